namespace AiProxy.Configuration;

/// <summary>The <c>AiProxy</c> section of the config file.</summary>
public sealed class AiProxyOptions
{
    /// <summary>The config section name.</summary>
    public const string SectionName = "AiProxy";

    /// <summary>Gets or sets the upstream providers by name.</summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the routes; the first whose <c>Models</c> glob matches the request's model wins.</summary>
    public List<RouteOptions> Routes { get; set; } = [];

    /// <summary>Gets or sets the clients; when present, requests must carry one of their keys.</summary>
    public Dictionary<string, ClientOptions>? Clients { get; set; }

    /// <summary>Gets or sets the limits of requests without a client key (used when <see cref="Clients"/> is absent).</summary>
    public ClientRateLimitOptions? AnonymousRateLimit { get; set; }

    /// <summary>Gets or sets the budget of requests without a client key (used when <see cref="Clients"/> is absent).</summary>
    public ClientBudgetOptions? AnonymousBudget { get; set; }

    /// <summary>Gets or sets the response cache settings.</summary>
    public CacheOptions? Cache { get; set; }

    /// <summary>Gets or sets the Redis connection shared by the cache and the rate limiter.</summary>
    public RedisOptions? Redis { get; set; }

    /// <summary>Gets or sets the largest request body accepted, in bytes.</summary>
    /// <value>Defaults to 10 MiB.</value>
    public long? MaxRequestBodyBytes { get; set; }

    /// <summary>Gets or sets the metrics settings (read at start-up).</summary>
    public MetricsOptions? Metrics { get; set; }

    /// <summary>Gets or sets how failed upstream attempts are retried on other keys and providers.</summary>
    public RetryOptions? Retry { get; set; }

    /// <summary>Gets or sets model prices for cost metrics, by model glob.</summary>
    public Dictionary<string, ModelPriceOptions>? Prices { get; set; }

    /// <summary>Gets or sets the bound on concurrent <c>/v1</c> requests and their queue (read at start-up).</summary>
    public OverloadOptions? Overload { get; set; }

    /// <summary>Gets or sets how long in-flight requests and streams may finish after SIGTERM (read at start-up).</summary>
    /// <value>Defaults to 25 seconds, below Kubernetes' default 30 s grace period.</value>
    public string? DrainTimeout { get; set; }

    /// <summary>
    /// Gets or sets the addresses of a separate management listener (as <c>--urls</c>: <c>;</c>-separated, each with an
    /// explicit port), e.g. <c>http://0.0.0.0:9090</c>. When set, <c>/admin/*</c> (and <c>/metrics</c> with
    /// <see cref="MetricsOptions.OnManagementPort"/>) answer only there and 404 on the main port (read at start-up).
    /// </summary>
    /// <value>Defaults to none: everything on the main port.</value>
    public string? ManagementUrls { get; set; }
}

/// <summary>Load shedding: past <see cref="MaxConcurrent"/> requests wait in a bounded queue, past that they get 503.</summary>
public sealed class OverloadOptions
{
    /// <summary>Gets or sets the most <c>/v1</c> requests (streams included) served at once.</summary>
    /// <value>Defaults to 1000: the load tests measured ~180 MB RSS with 1,000 open streams, so a sidecar stays near 250 MB.</value>
    public int? MaxConcurrent { get; set; }

    /// <summary>Gets or sets how many requests may wait for a slot; more are refused at once.</summary>
    /// <value>Defaults to 200.</value>
    public int? QueueLimit { get; set; }

    /// <summary>Gets or sets the longest a request waits in the queue before it is refused.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public string? QueueTimeout { get; set; }
}

/// <summary>Retry and fallback across keys and providers, before the first byte reaches the client.</summary>
public sealed class RetryOptions
{
    /// <summary>Gets or sets the most upstream attempts per request (the first one included).</summary>
    /// <value>Defaults to 4.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets the time after which no new attempt starts.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public string? Deadline { get; set; }

    /// <summary>Gets or sets the first backoff before retrying a provider that failed (jittered, doubling).</summary>
    /// <value>Defaults to 100 ms. Switching to another key after a 429 does not wait.</value>
    public string? BaseDelay { get; set; }

    /// <summary>
    /// Gets or sets how long a streamed answer is held for its first event while a retry is still possible: a stream that
    /// ends, resets or opens with an in-band error before it is retried like an HTTP error; past this time it streams as usual.
    /// </summary>
    /// <value>Defaults to 5 seconds; <c>0s</c> turns the hold off.</value>
    public string? FirstEventTimeout { get; set; }
}

/// <summary>Metrics settings.</summary>
public sealed class MetricsOptions
{
    /// <summary>Gets or sets a value indicating whether <c>/metrics</c> is served and instruments record (read at start-up).</summary>
    /// <value>Defaults to true.</value>
    public bool? Enabled { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>/metrics</c> is served only on the <see cref="AiProxyOptions.ManagementUrls"/> (read at start-up).</summary>
    /// <value>Defaults to false: <c>/metrics</c> stays on the main port.</value>
    public bool? OnManagementPort { get; set; }
}
