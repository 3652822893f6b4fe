namespace AiProxy.RateLimiting;

/// <summary>Engine settings for per-client rate limiting (the limits themselves come with each client's config).</summary>
public sealed class RateLimitingOptions
{
    /// <summary>Gets or sets how many replicas share the limits; while Redis is unreachable each replica enforces <c>limit / ExpectedReplicas</c> locally.</summary>
    /// <value>Defaults to 1.</value>
    public int ExpectedReplicas { get; set; } = 1;

    /// <summary>Gets or sets the longest a Redis round trip may take before the request is decided locally instead.</summary>
    /// <value>Defaults to 250 milliseconds.</value>
    public TimeSpan RedisOperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets how long to stay on local limits after a Redis failure before trying Redis again.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan RedisRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a concurrency slot held in Redis survives without release, so a crashed replica cannot leak slots forever.</summary>
    /// <value>Defaults to 10 minutes.</value>
    public TimeSpan ConcurrencyLeaseTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the <c>retry-after</c> suggested when the concurrency limit rejects a request (there is no window to compute it from).</summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan ConcurrencyRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the prefix of the Redis keys; each client's keys share the hash tag <c>{clientId}</c> so the scripts work on Redis Cluster.</summary>
    /// <value>Defaults to <c>aiproxy:rl:</c>.</value>
    public string RedisKeyPrefix { get; set; } = "aiproxy:rl:";
}
