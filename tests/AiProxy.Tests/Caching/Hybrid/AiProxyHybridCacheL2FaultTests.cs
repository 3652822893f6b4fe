using AiProxy.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Tests.Caching.Hybrid;

public sealed class AiProxyHybridCacheL2FaultTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task GetOrCreateAsync_L2Hangs_TimesOutThenUsesFactoryAndBacksOff()
    {
        var hanging = new HangingDistributedCache();
        await using var test = TestCache.Create(_time, configureServices: s => s.AddSingleton<IDistributedCache>(hanging));

        var pending = test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("fresh")).AsTask();
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(500)); // DistributedCacheOperationTimeout
        var value = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        var callsAfterTimeout = hanging.Calls;
        var second = await test.Cache.GetOrCreateAsync("k2", static _ => ValueTask.FromResult("also fresh"));

        Assert.Equal("fresh", value);
        Assert.Equal("also fresh", second);
        Assert.Equal(1, test.L2Errors);
        Assert.Equal(1, test.Lookups("l2", "error"));
        Assert.Equal(callsAfterTimeout, hanging.Calls); // in back-off: L2 not touched, so no second timeout to wait for
    }

    [Fact]
    public async Task AddAiProxyHybridCache_RedisNotConfigured_RunsL1Only()
    {
        await using var test = TestCache.Create(_time);

        var value = await test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("v"));

        Assert.Equal("v", value);
        Assert.False(test.Cache.HasDistributedCache);
        Assert.Equal(0, test.L2Errors);
    }
}
