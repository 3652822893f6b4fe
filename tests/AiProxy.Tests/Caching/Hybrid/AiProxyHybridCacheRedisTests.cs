using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>Two cache instances (two "replicas") sharing one real redis-server.</summary>
public sealed class AiProxyHybridCacheRedisTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private RedisServer _redis = null!;
    private RedisConnection _connectionA = null!;
    private RedisConnection _connectionB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connectionA = await TestCache.ConnectAsync(_redis);
        _connectionB = await TestCache.ConnectAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        _connectionA.Dispose();
        _connectionB.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task GetOrCreateAsync_EntryCreatedByOtherInstance_ServedFromL2()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        await using var b = TestCache.Create(_time, _connectionB);
        var factoryA = new CountingFactory("a");
        var factoryB = new CountingFactory("b");

        await a.Cache.GetOrCreateAsync("k", factoryA.CreateAsync, tags: ["t"]);
        var fromB = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["t"]);
        var fromBAgain = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["t"]);

        Assert.True(b.Cache.HasDistributedCache);
        Assert.Equal("a-1", fromB);
        Assert.Equal("a-1", fromBAgain);
        Assert.Equal(0, factoryB.Calls);
        Assert.Equal(1, b.Lookups("l2", "hit"));
        Assert.Equal(1, b.Lookups("l1", "hit"));
        Assert.Equal(0, b.L2Errors);
    }

    [Fact]
    public async Task RemoveByTagAsync_OnOneInstance_InvalidatesOtherInstanceAfterTagRefresh()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        await using var b = TestCache.Create(_time, _connectionB);
        var factoryA = new CountingFactory("a");
        var factoryB = new CountingFactory("b");
        await a.Cache.GetOrCreateAsync("k", factoryA.CreateAsync, tags: ["model:gpt-4o"]);
        Assert.Equal("a-1", await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["model:gpt-4o"])); // now in B's L1 too
        _time.Advance(TimeSpan.FromSeconds(1));

        await a.Cache.RemoveByTagAsync("model:gpt-4o");
        _time.Advance(TimeSpan.FromSeconds(6)); // past TagRefreshInterval (5 s)
        var fromB = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["model:gpt-4o"]);

        Assert.Equal("b-1", fromB);
    }

    [Fact]
    public async Task RemoveByTagAsync_BeforeOtherInstanceReads_L2EntryIsMissThere()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        await using var b = TestCache.Create(_time, _connectionB);
        await a.Cache.SetAsync("k", "old", tags: ["t"]);
        _time.Advance(TimeSpan.FromSeconds(1));

        await a.Cache.RemoveByTagAsync("t");
        var fromB = await b.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("new"), tags: ["t"]);

        Assert.Equal("new", fromB);
    }

    [Fact]
    public async Task RemoveAsync_OnOneInstance_RemovesFromL2()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        await using var b = TestCache.Create(_time, _connectionB);
        await a.Cache.SetAsync("k", "old");

        await a.Cache.RemoveAsync("k");
        var fromB = await b.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("new"));

        Assert.Equal("new", fromB);
    }

    [Fact]
    public async Task GetOrCreateAsync_RedisKilledThenRestarted_SucceedsThroughoutAndUsesL2AgainAfterBackoff()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        var factory = new CountingFactory();
        Assert.Equal("value-1", await a.Cache.GetOrCreateAsync("before", factory.CreateAsync));

        _redis.Kill();
        var during = await a.Cache.GetOrCreateAsync("during-1", factory.CreateAsync);
        var errorsAfterFirstFailure = a.L2Errors;
        var duringBackoff = await a.Cache.GetOrCreateAsync("during-2", factory.CreateAsync);

        Assert.Equal("value-2", during);
        Assert.Equal("value-3", duringBackoff);
        Assert.True(errorsAfterFirstFailure >= 1, "the failed L2 call is counted");
        Assert.Equal(errorsAfterFirstFailure, a.L2Errors); // skipped during the back-off, not retried per request
        Assert.True(a.Lookups("l2", "error") >= 1);
        Assert.Contains(a.Logs.Entries, e => e.EventId.Id == 4101 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);

        await _redis.StartAsync();
        await TestCache.WaitUntilServingAsync(_connectionA);
        await TestCache.WaitUntilServingAsync(_connectionB);
        _time.Advance(TimeSpan.FromSeconds(6)); // past DistributedCacheFailureBackoff (5 s)
        var after = await a.Cache.GetOrCreateAsync("after", factory.CreateAsync);
        await using var b = TestCache.Create(_time, _connectionB);
        var fromB = await b.Cache.GetOrCreateAsync("after", static _ => ValueTask.FromResult("b's own"));

        Assert.Equal("value-4", after);
        Assert.True("value-4" == fromB, $"B got {fromB}; A errors {a.L2Errors} (was {errorsAfterFirstFailure}), B errors {b.L2Errors}, A l2 miss {a.Lookups("l2", "miss")}; A log {a.LogText}"); // A wrote to L2 again
        Assert.Equal(errorsAfterFirstFailure, a.L2Errors);
    }
}
