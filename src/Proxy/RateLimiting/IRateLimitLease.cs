namespace AiProxy.RateLimiting;

/// <summary>
/// What an allowed request holds until it ends: settle the token reservation once usage is known, and dispose at the
/// end of the request to release the concurrency slot (exactly once, however often it is called).
/// </summary>
public interface IRateLimitLease : IDisposable
{
    /// <summary>Replaces the token reservation with the real usage (refunds or charges the difference); only the first call counts.</summary>
    ValueTask SettleAsync(long actualTokens, CancellationToken cancellationToken = default);
}
