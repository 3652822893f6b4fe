namespace AiProxy.Configuration;

/// <summary>How a route spreads requests over its providers.</summary>
internal enum BalanceMode
{
    Fallback,
    Weighted,
    LeastLatency,
}
