using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>Two cache instances (two "replicas") sharing one real redis-server.</summary>
public sealed class HybridCacheRedisTests : IAsyncLifetime
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
        // GetOrCreateAsync hands out the value before its L2 write ends: let A's write land first.
        await WrittenToL2Async(b, "k");
        var fromB = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["t"]);
        var fromBAgain = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["t"]);

        Assert.True(b.HasDistributedCache);
        Assert.Equal("a-1", fromB);
        Assert.Equal("a-1", fromBAgain);
        Assert.Equal(0, factoryB.Calls);
        Assert.True(b.Lookups("l2", "hit") >= 1);
        Assert.Equal(0, b.L2Errors);
    }

    /// <summary>Polls Redis (not B's caches) until the entry A stored is there.</summary>
    private async Task WrittenToL2Async(TestCache reader, string key)
        => await TestCache.WaitUntilAsync(async () => await _connectionB.TryGetDatabase()!.KeyExistsAsync(AiProxy.Caching.Hybrid.HybridCacheServiceCollectionExtensions.RedisKeyPrefix + key));

    [Fact]
    public async Task PurgeAsync_OnOneInstance_InvalidatesOtherInstancesL1AtOnce()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        await using var b = TestCache.Create(_time, _connectionB);
        await a.Purge.Subscribed;
        await b.Purge.Subscribed;
        var factoryA = new CountingFactory("a");
        var factoryB = new CountingFactory("b");
        await a.Cache.GetOrCreateAsync("k", factoryA.CreateAsync, tags: ["model:gpt-4o"]);
        await WrittenToL2Async(b, "k");
        Assert.Equal("a-1", await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["model:gpt-4o"])); // now in B's L1 too
        _time.Advance(TimeSpan.FromSeconds(1));

        await a.Purge.PurgeAsync(["model:gpt-4o"], CancellationToken.None);
        string? fromB = null;
        // The broadcast arrives over Redis pub/sub: wait (real time) until B has applied it.
        await TestCache.WaitUntilAsync(async () => (fromB = await b.Cache.GetOrCreateAsync("k", factoryB.CreateAsync, tags: ["model:gpt-4o"])) != "a-1");

        Assert.Equal("b-1", fromB);
        Assert.Equal(0, factoryA.Calls - 1);
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
    public async Task GetOrCreateAsync_RedisKilledThenRestarted_SucceedsThroughoutAndSharesEntriesAgain()
    {
        await using var a = TestCache.Create(_time, _connectionA);
        var factory = new CountingFactory();
        Assert.Equal("value-1", await a.Cache.GetOrCreateAsync("before", factory.CreateAsync));

        _redis.Kill();
        for (var i = 0; i < 5; i++)
        {
            // Fail fast while disconnected (no backlog), then the breaker skips L2 entirely: no call waits.
            var pending = a.Cache.GetOrCreateAsync("during-" + i, factory.CreateAsync).AsTask();
            Assert.Equal($"value-{i + 2}", await pending.WaitAsync(TimeSpan.FromSeconds(5)));
        }
        Assert.True(a.L2Errors >= 1, "the failed L2 calls are counted");
        await TestCache.WaitUntilAsync(() => a.Logs.Entries.Any(e => e.EventId.Id == 4102)); // breaker opened (Polly reports it off-thread)

        await _redis.StartAsync();
        await TestCache.WaitUntilServingAsync(_connectionA);
        await TestCache.WaitUntilServingAsync(_connectionB);
        _time.Advance(TimeSpan.FromSeconds(6)); // past the breaker's break duration (5 s): the next call probes Redis
        var after = await a.Cache.GetOrCreateAsync("after", factory.CreateAsync);
        await using var b = TestCache.Create(_time, _connectionB);
        string? fromB = null;
        // A's L2 write is awaited inside GetOrCreateAsync's background fetch: poll until it is visible to B.
        await TestCache.WaitUntilAsync(async () => (fromB = await b.Cache.GetOrCreateAsync("after", static _ => ValueTask.FromResult<string?>(null),
            new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCache | HybridCacheEntryFlags.DisableUnderlyingData })) == "value-7");

        Assert.Equal("value-7", after);
        Assert.Equal("value-7", fromB);
    }
}
