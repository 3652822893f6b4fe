using AiProxy.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProxy.RateLimiting;

/// <summary>
/// Decides per-client limits: in Redis when it is configured and healthy (exact across replicas), otherwise in process.
/// While configured Redis is unavailable each replica enforces <c>limit / ExpectedReplicas</c> and tries Redis again after
/// <see cref="RateLimitingOptions.RedisRetryInterval"/>.
/// </summary>
internal sealed partial class ClientRateLimiter : IClientRateLimiter
{
    internal const long WindowMs = 60_000;

    private static readonly RateLimitDecision s_unlimited = new() { Lease = NoopLease.Instance };

    private readonly RedisFallbackGate? _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RateLimitingMetrics _metrics;
    private readonly ClientUsageTracker _usage;
    private readonly LocalRateLimitStore _local = new();
    private readonly LocalRateLimitStore _fallback = new();

    public ClientRateLimiter(
        IOptions<RateLimitingOptions> options,
        RateLimitingMetrics metrics,
        ClientUsageTracker usage,
        ILogger<ClientRateLimiter> logger,
        TimeProvider? timeProvider = null,
        IRedisConnection? redis = null)
    {
        Options = options.Value;
        _metrics = metrics;
        _usage = usage;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _redis = redis is { IsConfigured: true }
            ? new RedisFallbackGate(redis, Options.RedisRetryInterval,
                reason => Log.FallbackEntered(_logger, reason, Options.ExpectedReplicas), () => Log.FallbackExited(_logger))
            : null;
        _keyPrefix = Options.RedisKeyPrefix;
        _instancePrefix = Guid.NewGuid().ToString("N")[..12] + ":";
    }

    internal RateLimitingOptions Options { get; }

    /// <summary>Gets a value indicating whether decisions are currently made under local fallback limits.</summary>
    internal bool IsInFallback => _redis?.IsInFallback == true;

    public ValueTask<RateLimitDecision> AcquireAsync(string clientId, ClientRateLimit limits, long estimatedTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(limits);
        if (!limits.HasAnyLimit) return new(s_unlimited);
        cancellationToken.ThrowIfCancellationRequested();
        estimatedTokens = Math.Max(0, estimatedTokens);
        var nowMs = NowMs();

        if (_redis is null)
        {
            return new(Complete(clientId, limits, _local.Acquire(clientId, nowMs, limits, estimatedTokens, this, isFallback: false)));
        }

        var db = _redis.TryGetDatabase(nowMs);
        if (db is null)
        {
            return new(AcquireFallback(clientId, limits, estimatedTokens, nowMs));
        }
        return AcquireRedisAsync(db, clientId, limits, estimatedTokens, nowMs, cancellationToken);
    }

    internal long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private RateLimitDecision AcquireFallback(string clientId, ClientRateLimit limits, long estimatedTokens, long nowMs)
    {
        _metrics.Fallback();
        var replicas = Options.ExpectedReplicas;
        var share = replicas <= 1 ? limits : new ClientRateLimit
        {
            RequestsPerMinute = Share(limits.RequestsPerMinute, replicas),
            TokensPerMinute = Share(limits.TokensPerMinute, replicas),
            MaxConcurrent = Share(limits.MaxConcurrent, replicas),
        };
        return Complete(clientId, limits, _fallback.Acquire(clientId, nowMs, share, estimatedTokens, this, isFallback: true));

        // A zero share would lock a client out entirely; one request per replica is the smallest useful share.
        static int? Share(int? limit, int replicas) => limit is { } l ? (l == 0 ? 0 : Math.Max(1, l / replicas)) : null;
    }

    private RateLimitDecision Complete(string clientId, ClientRateLimit limits, RateLimitDecision decision)
    {
        if (decision.DeniedBy != RateLimitKind.None) _metrics.Rejected(clientId, decision.DeniedBy);
        _usage.Record(clientId, limits, decision);
        return decision;
    }

    private sealed class NoopLease : IRateLimitLease
    {
        public static readonly NoopLease Instance = new();

        public ValueTask SettleAsync(long actualTokens, CancellationToken cancellationToken = default) => default;

        public void Dispose()
        {
        }
    }
}
