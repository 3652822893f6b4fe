using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Streaming;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Pipeline;

/// <summary>
/// Everything the pipeline learned about one request: the body (read once), the model, the route, and the
/// per-attempt upstream choice that the transforms read.
/// </summary>
internal sealed class AiRequestFeature : IUpstreamRequestFeature, IUpstreamResponseFeature
{
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

    /// <summary>Gets the config generation this request started with (a reload mid-request does not change it).</summary>
    public AiProxySnapshot Snapshot { get; }

    public AiOperation Operation { get; }

    /// <summary>Gets or sets the route chosen by model (the default route for pass-through paths).</summary>
    public CompiledRoute Route { get; set; }

    /// <summary>Gets the body's one parse (null for pass-through paths, which are not parsed).</summary>
    public ParsedRequest? Request { get; }

    // Read-only views of Request for readers not moved to it yet (UpstreamForwardingMiddleware is being rewritten).

    /// <summary>Gets the request body (empty for pass-through paths).</summary>
    public ReadOnlyMemory<byte> Body => Request?.Body ?? default;

    /// <summary>Gets the client's model name (null for pass-through paths).</summary>
    public string? Model => Request?.Model;

    /// <summary>Gets the offset of the model string token in <see cref="Body"/>.</summary>
    public int ModelTokenStart => Request?.ModelTokenStart ?? 0;

    /// <summary>Gets the length of the model string token, quotes included.</summary>
    public int ModelTokenLength => Request?.ModelTokenLength ?? 0;

    /// <summary>Gets the offset of the body's opening brace.</summary>
    public int BodyObjectStart => Request?.BodyObjectStart ?? 0;

    /// <summary>Gets a value indicating whether the body has a top-level <c>stream_options</c>.</summary>
    public bool HasStreamOptions => Request?.HasStreamOptions ?? false;

    /// <summary>Gets a value indicating whether the client asked for an SSE stream.</summary>
    public bool Stream => Request?.Stream ?? false;

    /// <summary>Gets or sets the provider of the current attempt (for logs and metrics).</summary>
    public ProviderRuntime? Provider { get; set; }

    /// <summary>Gets or sets the upstream key lease of the current attempt.</summary>
    public KeyLease? Lease { get; set; }

    /// <summary>Gets the token estimate (prompt + max output, from <see cref="Request"/>) used for key and client quotas.</summary>
    public long EstimatedTokens { get; }

    /// <summary>Gets or sets the 1-based number of the current upstream attempt.</summary>
    public int Attempt { get; set; }

    /// <summary>Gets or sets the status of the last upstream answer (0 when none came).</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>Gets or sets the timestamp (TimeProvider) when the request started.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>Gets or sets the clock the pipeline uses (for timings recorded from callbacks).</summary>
    public TimeProvider? Time { get; set; }

    /// <summary>Gets or sets the timestamp when the response started (headers sent); 0 until then.</summary>
    public long FirstByteTimestamp { get; set; }

    /// <summary>Gets or sets the timestamp when the current attempt was sent.</summary>
    public long AttemptTimestamp { get; set; }

    /// <summary>Gets or sets the soonest time a rate-limited key recovers, when keys were exhausted.</summary>
    public TimeSpan? SoonestKeyRecovery { get; set; }

    /// <summary>Gets or sets why a provider had no usable key (operator-facing, no secrets).</summary>
    public string? KeyProblem { get; set; }

    /// <summary>Gets or sets the soonest time an open breaker lets a probe through.</summary>
    public TimeSpan? SoonestAvailable { get; set; }

    /// <summary>Gets or sets the usage the upstream reported (null until seen).</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>Gets or sets the original usage of an answer served from the cache.</summary>
    public TokenUsage? CachedUsage { get; set; }

    /// <summary>Gets or sets a value indicating whether the proxy added <c>stream_options.include_usage</c> and must drop the usage chunk.</summary>
    public bool StripUsageChunk { get; set; }

    /// <summary>Gets or sets the observers of the upstream answer (cache recording, coalescing); null when none.</summary>
    public List<IUpstreamResponseObserver>? Observers { get; set; }

    /// <summary>Gets or sets the client (from its key; <c>anonymous</c> without Clients config).</summary>
    public string ClientId { get; set; } = "anonymous";

    /// <summary>Gets or sets the cache outcome for <c>x-aiproxy-cache</c> and metrics: hit, semantic-hit, miss, bypass (null: not cacheable).</summary>
    public string? CacheStatus { get; set; }

    /// <summary>Gets or sets the client's rate-limit decision (null when the client has no limits): the source of <c>x-ratelimit-*</c>.</summary>
    public RateLimiting.RateLimitDecision? RateLimit { get; set; }


    /// <inheritdoc />
    public UpstreamTarget? Target { get; set; }

    /// <inheritdoc />
    public string? UpstreamModel { get; set; }

    /// <inheritdoc />
    public string? ApiKey { get; set; }
}
