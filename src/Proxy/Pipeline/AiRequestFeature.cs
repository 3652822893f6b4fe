using AiProxy.RateLimiting;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Streaming;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Pipeline;

/// <summary>
/// One AI request as the pipeline sees it. Set once by <see cref="AiRequestMiddleware"/>: the config generation, the
/// operation, the body's one parse and the token estimate. Each settable member below names the one step that writes
/// it; every other step only reads it. The per-attempt retry state is not here: it lives in the attempt's Polly
/// <c>ResilienceContext</c> (<c>Upstream/UpstreamResilienceKeys</c>).
/// </summary>
internal sealed class AiRequestFeature : IUpstreamRequestFeature, IUpstreamResponseFeature
{
    /// <summary>Creates the feature of a pass-through request (not parsed, sent to the default route's first provider).</summary>
    public AiRequestFeature(AiProxySnapshot snapshot, AiOperation operation, CompiledRoute route)
    {
        Snapshot = snapshot;
        Operation = operation;
        Route = route;
    }

    /// <summary>Creates the feature of a model-routed request from its one parse and the token estimate made from it.</summary>
    public AiRequestFeature(AiProxySnapshot snapshot, ParsedRequest request, CompiledRoute route, long estimatedTokens)
        : this(snapshot, request.Operation, route)
    {
        Request = request;
        EstimatedTokens = estimatedTokens;
    }

    // Set once when the request enters the pipeline (AiRequestMiddleware).

    /// <summary>Gets the config generation this request started with (a reload mid-request does not change it).</summary>
    public AiProxySnapshot Snapshot { get; }

    public AiOperation Operation { get; }

    /// <summary>Gets the route chosen by model (the default route for pass-through paths).</summary>
    public CompiledRoute Route { get; }

    /// <summary>Gets the body's one parse (null for pass-through paths, which are not parsed).</summary>
    public ParsedRequest? Request { get; }

    /// <summary>Gets the token estimate (prompt + max output, from <see cref="Request"/>) used for key and client quotas.</summary>
    public long EstimatedTokens { get; }

    /// <summary>Gets the timestamp (<see cref="Time"/>) when the request entered the pipeline.</summary>
    public long StartTimestamp { get; init; }

    /// <summary>Gets the clock the pipeline uses (for timings recorded from callbacks).</summary>
    public TimeProvider? Time { get; init; }

    // Written by the client policy step (Pipeline/ClientPolicyMiddleware).

    /// <summary>Gets or sets the client (from its key; <c>anonymous</c> without Clients config).</summary>
    public string ClientId { get; set; } = "anonymous";

    /// <summary>Gets or sets the client's priority class: keys reserved for a higher class are not leased to this request.</summary>
    public PriorityClass Priority { get; set; } = PriorityClass.Normal;

    /// <summary>Gets or sets the client's rate-limit decision (null when the client has no limits): the source of <c>x-ratelimit-*</c>.</summary>
    public RateLimitDecision? RateLimit { get; set; }

    // Written by the cache step (Caching/ResponseCacheMiddleware).

    /// <summary>Gets or sets the cache outcome for <c>x-aiproxy-cache</c> and metrics: hit, semantic-hit, miss, bypass (null: not cacheable).</summary>
    public string? CacheStatus { get; set; }

    /// <summary>Gets or sets the original usage of an answer served from the cache.</summary>
    public TokenUsage? CachedUsage { get; set; }

    /// <summary>Gets or sets the observers of the upstream answer (cache recording, coalescing); null when none.</summary>
    public List<IUpstreamResponseObserver>? Observers { get; set; }

    // Written by the upstream attempt (Upstream/UpstreamAttemptRunner, ProviderCandidates, UpstreamBody) for logs,
    // metrics, errors and the request transforms; the retry decision itself reads the resilience context.

    /// <summary>Gets or sets the provider of the current attempt.</summary>
    public ProviderRuntime? Provider { get; set; }

    /// <summary>Gets or sets the upstream key lease of the current attempt.</summary>
    public KeyLease? Lease { get; set; }

    /// <summary>Gets or sets the 1-based number of the current upstream attempt.</summary>
    public int Attempt { get; set; }

    /// <summary>Gets or sets the status of the last upstream answer (0 when none came).</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>Gets or sets the timestamp when the current attempt was sent.</summary>
    public long AttemptTimestamp { get; set; }

    /// <summary>Gets or sets the soonest time a rate-limited key recovers, when keys were exhausted.</summary>
    public TimeSpan? SoonestKeyRecovery { get; set; }

    /// <summary>Gets or sets why a provider had no usable key (operator-facing, no secrets).</summary>
    public string? KeyProblem { get; set; }

    /// <summary>Gets or sets the soonest time an open breaker lets a probe through.</summary>
    public TimeSpan? SoonestAvailable { get; set; }

    /// <summary>Gets or sets a value indicating whether the proxy added <c>stream_options.include_usage</c> and must drop the usage chunk.</summary>
    public bool StripUsageChunk { get; set; }

    /// <inheritdoc />
    public UpstreamTarget? Target { get; set; }

    /// <inheritdoc />
    public string? UpstreamModel { get; set; }

    /// <inheritdoc />
    public string? ApiKey { get; set; }

    // Written on the way back: the usage meter of the answer (Streaming/*UsageMeter, or the cache replay) and the
    // response-start callback (Pipeline/ProxyResponseHeaders).

    /// <summary>Gets or sets the usage the upstream reported (null until seen).</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>Gets or sets the timestamp when the response started (headers sent); 0 until then.</summary>
    public long FirstByteTimestamp { get; set; }
}
