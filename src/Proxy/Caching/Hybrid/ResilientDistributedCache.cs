using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// The L2 that <see cref="Microsoft.Extensions.Caching.Hybrid.HybridCache"/> sees: Redis behind a Polly timeout and
/// circuit breaker. A down or slow Redis costs a request at most one <c>Redis.OperationTimeout</c>; after a few failures
/// the breaker opens and L2 is skipped (a plain miss, no wait) until a probe finds Redis back.
/// </summary>
/// <remarks>
/// Values are copied across the boundary (a <c>byte[]</c> in, a <c>byte[]</c> out) rather than handing the hybrid
/// cache's pooled buffers to the inner cache: a timed-out inner call keeps running, and must never touch a buffer that
/// has been recycled. The inner cache is not disposed here: disposing <c>RedisCache</c> closes its multiplexer, which is
/// the process's shared connection, owned by <see cref="AiProxy.Redis.RedisConnection"/>.
/// </remarks>
internal sealed partial class ResilientDistributedCache : IBufferDistributedCache
{
    private const string TagKeyPrefix = "__MSFT_HCT__";

    private readonly IDistributedCache _inner;
    private readonly ResiliencePipeline _pipeline;
    private readonly HybridCacheMetrics _metrics;
    private readonly ILogger _logger;

    public ResilientDistributedCache(IDistributedCache inner, TimeSpan operationTimeout, TimeSpan breakDuration, TimeProvider time,
        HybridCacheMetrics metrics, ILogger<ResilientDistributedCache> logger)
    {
        _inner = inner;
        _metrics = metrics;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = breakDuration,
                // The caller giving up is not a Redis fault.
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome.Exception is { } ex
                    && !(ex is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)),
                OnOpened = args => { Log.BreakerOpened(_logger, args.BreakDuration); return default; },
                OnClosed = _ => { Log.BreakerClosed(_logger); return default; },
            })
            .AddTimeout(operationTimeout)
            .Build();
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        // HybridCache keeps tag invalidation times under this prefix: those reads are not response lookups.
        var isLookup = !key.StartsWith(TagKeyPrefix, StringComparison.Ordinal);
        try
        {
            var value = await _pipeline.ExecuteAsync(static async (s, ct) => await s.Inner.GetAsync(s.Key, ct).WaitAsync(ct).ConfigureAwait(false),
                (Inner: _inner, Key: key), token).ConfigureAwait(false);
            if (isLookup)
            {
                if (value is null) _metrics.L2Miss(); else _metrics.L2Hit();
            }
            return value;
        }
        catch (Exception ex) when (Handle(ex, isLookup ? "get" : "tag", token))
        {
            // For a tag this reads as "never invalidated": HybridCache keeps a failed tag read forever as "invalidated
            // now", which would make a replica that started during an outage ignore every older shared entry.
            // Purges made while this replica is cut off still reach it through the purge broadcast.
            return null;
        }
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        var value = await GetAsync(key, token).ConfigureAwait(false);
        if (value is null) return false;
        destination.Write(value);
        return true;
    }

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        var value = Get(key);
        if (value is null) return false;
        destination.Write(value);
        return true;
    }

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        try
        {
            await _pipeline.ExecuteAsync(static async (s, ct) =>
                await s.Inner.SetAsync(s.Key, s.Value, s.Options, ct).WaitAsync(ct).ConfigureAwait(false),
                (Inner: _inner, Key: key, Value: value, Options: options), token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Handle(ex, "set", token))
        {
        }
    }

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
        => new(SetAsync(key, value.ToArray(), options, token));

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) => Set(key, value.ToArray(), options);

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        try
        {
            await _pipeline.ExecuteAsync(static async (s, ct) => await s.Inner.RemoveAsync(s.Key, ct).WaitAsync(ct).ConfigureAwait(false),
                (Inner: _inner, Key: key), token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Handle(ex, "remove", token))
        {
        }
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    // The hybrid cache only calls the async members; the synchronous ones exist for the interface and share the guards.
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public void Refresh(string key)
    {
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    /// <summary>Counts and logs a failure; caller cancellation propagates, everything else becomes a miss.</summary>
    private bool Handle(Exception exception, string operation, CancellationToken token)
    {
        if (exception is OperationCanceledException && token.IsCancellationRequested) return false;
        if (exception is BrokenCircuitException) return true; // skipped while open: no wait, no new error
        _metrics.L2Error(operation);
        Log.OperationFailed(_logger, operation, exception is TimeoutRejectedException ? "timeout" : exception.GetType().Name);
        return true;
    }
}
