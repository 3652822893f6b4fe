namespace AiProxy.RateLimiting;

/// <summary>Per-client request, token and concurrency limits; exact across replicas when Redis is configured.</summary>
public interface IClientRateLimiter
{
    /// <summary>Checks every configured limit atomically and, when all pass, reserves one request, <paramref name="estimatedTokens"/> tokens and a concurrency slot.</summary>
    /// <remarks>Never throws because Redis is down or slow: it falls back to local limits. Throws only when <paramref name="cancellationToken"/> is cancelled.</remarks>
    ValueTask<RateLimitDecision> AcquireAsync(string clientId, ClientRateLimit limits, long estimatedTokens, CancellationToken cancellationToken = default);
}
