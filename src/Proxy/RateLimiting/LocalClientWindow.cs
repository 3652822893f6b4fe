namespace AiProxy.RateLimiting;

/// <summary>
/// One client's exact sliding-window log (requests and token reservations in the last 60 s) plus its in-flight count.
/// </summary>
/// <remarks>
/// Not built on System.Threading.RateLimiting: its window limiters cannot refund or charge permits after the fact (settle),
/// do not expose when the window resets (the <c>x-ratelimit-reset-*</c> headers and a truthful <c>retry-after</c>),
/// approximate the sliding window with segments, and replenish on their own timer instead of an injected
/// <see cref="TimeProvider"/> (checked: no option takes one in .NET 10.0.12). A per-client log is exact, mirrors the Redis script one to one, and locks only this client.
/// </remarks>
internal sealed class LocalClientWindow
{
    private readonly object _gate = new();
    private readonly RingQueue<long> _requests = new();
    private readonly RingQueue<TokenEntry> _tokens = new();
    private long _tokensDequeued; // entries ever trimmed: an entry's sequence number minus this is its index while it is in the window
    private long _tokenSum;
    private int _concurrent;

    // tokenEntry: the reservation's sequence number for Settle, or -1 when none was made.
    public RateLimitDecision TryAcquire(long nowMs, long windowMs, ClientRateLimit limits, long estimatedTokens, TimeSpan concurrencyRetryAfter,
        out long tokenEntry)
    {
        tokenEntry = -1;
        lock (_gate)
        {
            Trim(nowMs - windowMs);
            var denied = RateLimitKind.None;
            var retryAfterMs = 0L;
            if (limits.MaxConcurrent is { } maxConcurrent && _concurrent >= maxConcurrent)
            {
                denied = RateLimitKind.Concurrency;
                retryAfterMs = (long)concurrencyRetryAfter.TotalMilliseconds;
            }
            else if (limits.RequestsPerMinute is { } rpm && _requests.Count >= rpm)
            {
                denied = RateLimitKind.Requests;
                // The request that frees a slot is the one that makes the count drop below the limit.
                retryAfterMs = rpm == 0 ? windowMs : _requests[_requests.Count - rpm] + windowMs - nowMs;
            }
            else if (limits.TokensPerMinute is { } tpm && _tokenSum + estimatedTokens > tpm)
            {
                denied = RateLimitKind.Tokens;
                retryAfterMs = TokenRetryAfterMs(nowMs, windowMs, tpm, estimatedTokens);
            }

            if (denied == RateLimitKind.None)
            {
                if (limits.RequestsPerMinute is not null) _requests.Enqueue(nowMs);
                if (limits.TokensPerMinute is not null && estimatedTokens > 0)
                {
                    tokenEntry = _tokensDequeued + _tokens.Count;
                    _tokens.Enqueue(new TokenEntry(nowMs, estimatedTokens));
                    _tokenSum += estimatedTokens;
                }
                if (limits.MaxConcurrent is not null) _concurrent++;
            }

            return new RateLimitDecision
            {
                DeniedBy = denied,
                RetryAfter = TimeSpan.FromMilliseconds(Math.Max(0, retryAfterMs)),
                Requests = limits.RequestsPerMinute is { } r ? Counter(r, _requests.Count, _requests.Count == 0 ? 0 : _requests.PeekNewest(), nowMs, windowMs) : null,
                Tokens = limits.TokensPerMinute is { } t ? Counter(t, _tokenSum, _tokens.Count == 0 ? 0 : _tokens.PeekNewest().TimestampMs, nowMs, windowMs) : null,
            };
        }
    }

    /// <summary>Replaces a reservation with real usage; a reservation already out of the window can only be charged (at now), not refunded.</summary>
    // entry: the sequence number TryAcquire gave (-1: none); reserved: the tokens that reservation held.
    public void Settle(long entry, long reserved, long nowMs, long windowMs, long actualTokens)
    {
        lock (_gate)
        {
            Trim(nowMs - windowMs);
            var index = entry - _tokensDequeued;
            if (entry >= 0 && index >= 0 && index < _tokens.Count)
            {
                // Still in the window: adjust it in place.
                _tokenSum += actualTokens - reserved;
                _tokens[(int)index] = _tokens[(int)index] with { Amount = actualTokens };
            }
            else if (actualTokens > reserved)
            {
                var extra = new TokenEntry(nowMs, actualTokens - reserved);
                _tokens.Enqueue(extra);
                _tokenSum += extra.Amount;
            }
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            if (_concurrent > 0) _concurrent--;
        }
    }

    /// <summary>Returns requests and tokens used in the current window, for the usage gauges.</summary>
    public (long Requests, long Tokens) Usage(long nowMs, long windowMs)
    {
        lock (_gate)
        {
            Trim(nowMs - windowMs);
            return (_requests.Count, _tokenSum);
        }
    }

    private void Trim(long cutoffMs)
    {
        while (_requests.Count > 0 && _requests.PeekOldest() <= cutoffMs) _requests.Dequeue();
        while (_tokens.Count > 0 && _tokens.PeekOldest().TimestampMs <= cutoffMs)
        {
            var entry = _tokens.Dequeue();
            _tokensDequeued++;
            _tokenSum -= entry.Amount;
        }
    }

    private long TokenRetryAfterMs(long nowMs, long windowMs, long tpm, long estimatedTokens)
    {
        // A request larger than the whole budget can never pass; a full window is the most honest delay to give.
        if (estimatedTokens > tpm) return windowMs;
        var freed = 0L;
        for (var i = 0; i < _tokens.Count; i++)
        {
            var entry = _tokens[i];
            freed += entry.Amount;
            if (_tokenSum - freed + estimatedTokens <= tpm) return entry.TimestampMs + windowMs - nowMs;
        }
        return windowMs;
    }

    private static RateLimitCounter Counter(long limit, long used, long newestMs, long nowMs, long windowMs) =>
        new(limit, Math.Max(0, limit - used), used <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Max(0, newestMs + windowMs - nowMs)));

    /// <summary>One token reservation: a value, so a full window is one array (no object per request for the GC to promote);
    /// settle finds it again by its sequence number while it is still in the window.</summary>
    internal readonly record struct TokenEntry(long TimestampMs, long Amount);
}
