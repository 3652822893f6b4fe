namespace AiProxy.RateLimiting;

/// <summary>The outcome of <see cref="IClientRateLimiter.AcquireAsync"/>: allowed with a lease, or denied with the limit and a retry delay.</summary>
public readonly record struct RateLimitDecision
{
    /// <summary>Gets a value indicating whether the request may proceed.</summary>
    public bool IsAllowed => Lease is not null;

    /// <summary>Gets the lease of an allowed request (settle, then dispose at request end); <see langword="null"/> when denied.</summary>
    public IRateLimitLease? Lease { get; init; }

    /// <summary>Gets the limit that rejected the request, or <see cref="RateLimitKind.None"/> when allowed.</summary>
    public RateLimitKind DeniedBy { get; init; }

    /// <summary>Gets how long the client should wait before a retry can succeed (zero when allowed).</summary>
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Gets the request-limit header values, or <see langword="null"/> when no request limit is configured.</summary>
    public RateLimitCounter? Requests { get; init; }

    /// <summary>Gets the token-limit header values, or <see langword="null"/> when no token limit is configured.</summary>
    public RateLimitCounter? Tokens { get; init; }

    /// <summary>Gets a value indicating whether the decision was made under local fallback limits because Redis was unavailable.</summary>
    public bool IsFallback { get; init; }
}
