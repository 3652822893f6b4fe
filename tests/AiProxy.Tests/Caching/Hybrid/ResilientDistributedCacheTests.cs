using System.Diagnostics.Metrics;
using AiProxy.Caching.Hybrid;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Tests.Caching.Hybrid;

public sealed class ResilientDistributedCacheTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HangingDistributedCache _hanging = new();
    private readonly ResilientDistributedCache _cache;
    private readonly MetricCollector<long> _errors;

    public ResilientDistributedCacheTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _cache = new ResilientDistributedCache(_hanging, Timeout, TimeSpan.FromSeconds(5), _time, new HybridCacheMetrics(factory),
            NullLogger<ResilientDistributedCache>.Instance);
        _errors = new MetricCollector<long>(factory, AiProxy.Metrics.ProxyMetrics.MeterName, "aiproxy.cache.l2.errors");
    }

    [Fact]
    public async Task GetAsync_L2Hangs_MissAfterTheTimeout()
    {
        var pending = _cache.GetAsync("k");
        Assert.False(pending.IsCompleted);

        _time.Advance(Timeout);
        var value = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(value);
        Assert.Equal(1, _errors.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task GetAsync_AfterThreeTimeouts_BreakerSkipsL2WithoutWaitingUntilBreakElapses()
    {
        for (var i = 0; i < 3; i++)
        {
            var pending = _cache.GetAsync("k" + i);
            _time.Advance(Timeout);
            await pending.WaitAsync(TimeSpan.FromSeconds(10));
        }
        var callsWhenOpened = _hanging.Calls;

        var skipped = _cache.GetAsync("k");
        var write = _cache.SetAsync("k", [1], new DistributedCacheEntryOptions());

        Assert.True(skipped.IsCompleted, "an open breaker answers at once");
        Assert.True(write.IsCompleted);
        Assert.Null(await skipped);
        Assert.Equal(callsWhenOpened, _hanging.Calls);
        Assert.Equal(3, _errors.GetMeasurementSnapshot().EvaluateAsCounter());

        _time.Advance(TimeSpan.FromSeconds(5));
        var probe = _cache.GetAsync("k");
        Assert.Equal(callsWhenOpened + 1, _hanging.Calls); // half-open: one probe reaches Redis again
        _time.Advance(Timeout);
        Assert.Null(await probe.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetAsync_CallerCancels_PropagatesWithoutCountingAnError()
    {
        using var cts = new CancellationTokenSource();
        var pending = _cache.GetAsync("k", cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _errors.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task AddAiProxyHybridCache_RedisNotConfigured_RunsL1Only()
    {
        await using var test = TestCache.Create(_time);

        var first = await test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("v"));
        var second = await test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("other"));

        Assert.Equal("v", first);
        Assert.Equal("v", second);
        Assert.False(test.HasDistributedCache);
    }

    public void Dispose()
    {
        _errors.Dispose();
        _services.Dispose();
    }
}
