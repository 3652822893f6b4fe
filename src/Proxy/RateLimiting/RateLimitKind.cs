namespace AiProxy.RateLimiting;

/// <summary>The limit that rejected a request.</summary>
public enum RateLimitKind
{
    /// <summary>No limit rejected the request.</summary>
    None = 0,

    /// <summary>The requests-per-minute limit.</summary>
    Requests = 1,

    /// <summary>The tokens-per-minute limit.</summary>
    Tokens = 2,

    /// <summary>The max-concurrent-requests limit.</summary>
    Concurrency = 3,
}
