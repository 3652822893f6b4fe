using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration;

/// <summary>The config-file names of <see cref="BalanceMode"/> (<c>Routes[*].Balance</c>).</summary>
internal static class BalanceModeNames
{
    public static NameTable<BalanceMode> Table { get; } = new(
        ("fallback", BalanceMode.Fallback),
        ("weighted", BalanceMode.Weighted),
        ("least-latency", BalanceMode.LeastLatency));
}
