namespace AiProxy.RateLimiting;

/// <summary>Per-client limits from config; every limit is optional and <see langword="null"/> means unlimited.</summary>
public sealed record ClientRateLimit
{
    /// <summary>Gets the maximum number of requests in any sliding 60-second window.</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Gets the maximum number of tokens (reserved estimates, settled to real usage) in any sliding 60-second window.</summary>
    public int? TokensPerMinute { get; init; }

    /// <summary>Gets the maximum number of requests in flight at once; excess requests are rejected, never queued.</summary>
    public int? MaxConcurrent { get; init; }

    /// <summary>Gets a value indicating whether at least one limit is set.</summary>
    public bool HasAnyLimit => RequestsPerMinute is not null || TokensPerMinute is not null || MaxConcurrent is not null;
}
