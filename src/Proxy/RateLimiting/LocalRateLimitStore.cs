using System.Collections.Concurrent;

namespace AiProxy.RateLimiting;

/// <summary>In-process limits: one <see cref="LocalClientWindow"/> per client id, so clients never contend on a shared lock.</summary>
internal sealed class LocalRateLimitStore
{
    private readonly ConcurrentDictionary<string, LocalClientWindow> _windows = new(StringComparer.Ordinal);

    public RateLimitDecision Acquire(string clientId, long nowMs, ClientRateLimit limits, long estimatedTokens, ClientRateLimiter owner, bool isFallback)
    {
        var window = _windows.GetOrAdd(clientId, static _ => new LocalClientWindow());
        var decision = window.TryAcquire(nowMs, ClientRateLimiter.WindowMs, limits, estimatedTokens, owner.Options.ConcurrencyRetryAfter, out var entry);
        return decision.DeniedBy != RateLimitKind.None
            ? decision with { IsFallback = isFallback }
            : decision with { IsFallback = isFallback, Lease = new LocalLease(owner, window, entry, entry >= 0 ? estimatedTokens : 0, limits.MaxConcurrent is not null, limits.TokensPerMinute is not null) };
    }

    public bool TryGetUsage(string clientId, long nowMs, out (long Requests, long Tokens) usage)
    {
        if (_windows.TryGetValue(clientId, out var window))
        {
            usage = window.Usage(nowMs, ClientRateLimiter.WindowMs);
            return true;
        }
        usage = default;
        return false;
    }

    private sealed class LocalLease(ClientRateLimiter owner, LocalClientWindow window, long entry, long reserved, bool holdsSlot, bool tracksTokens) : IRateLimitLease
    {
        private int _settled;
        private int _disposed;

        public ValueTask SettleAsync(long actualTokens, CancellationToken cancellationToken = default)
        {
            if (tracksTokens && Interlocked.Exchange(ref _settled, 1) == 0)
            {
                window.Settle(entry, reserved, owner.NowMs(), ClientRateLimiter.WindowMs, Math.Max(0, actualTokens));
            }
            return default;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && holdsSlot) window.Release();
        }
    }
}
