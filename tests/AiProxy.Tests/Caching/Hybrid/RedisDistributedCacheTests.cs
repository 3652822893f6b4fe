using System.Buffers;
using AiProxy.Caching.Hybrid;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Tests.Caching.Hybrid;

public sealed class RedisDistributedCacheTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = await TestCache.ConnectAsync(_redis);
    }

    public async Task DisposeAsync()
    {
        _connection.Dispose();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task SetAsync_ThenGetAsync_RoundTripsBytes()
    {
        var cache = new RedisDistributedCache(_connection, TimeProvider.System);

        await cache.SetAsync("k", [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });

        Assert.Equal(new byte[] { 1, 2, 3 }, await cache.GetAsync("k"));
        Assert.Null(await cache.GetAsync("missing"));
    }

    [Fact]
    public async Task SetAsync_WithRelativeExpiration_SetsRedisTtl()
    {
        var cache = new RedisDistributedCache(_connection, TimeProvider.System);

        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(90) });
        var ttl = await _connection.TryGetDatabase()!.KeyTimeToLiveAsync(RedisDistributedCache.KeyPrefix + "k");

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task RemoveAsync_ExistingKey_Deletes()
    {
        var cache = new RedisDistributedCache(_connection, TimeProvider.System);
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());

        await cache.RemoveAsync("k");

        Assert.Null(await cache.GetAsync("k"));
    }

    [Fact]
    public async Task TryGetAsync_BufferApi_WritesIntoDestination()
    {
        var cache = new RedisDistributedCache(_connection, TimeProvider.System);
        await cache.SetAsync("k", new ReadOnlySequence<byte>(new byte[] { 4, 5 }), new DistributedCacheEntryOptions());
        var writer = new ArrayBufferWriter<byte>();

        Assert.True(await cache.TryGetAsync("k", writer));
        Assert.False(await cache.TryGetAsync("missing", writer));
        Assert.Equal(new byte[] { 4, 5 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task GetAsync_RedisNotConfigured_ThrowsUnavailable()
    {
        using var absent = new RedisConnection(null, NullLogger<RedisConnection>.Instance);
        var cache = new RedisDistributedCache(absent, TimeProvider.System);

        Assert.False(cache.IsConfigured);
        await Assert.ThrowsAsync<RedisUnavailableException>(() => cache.GetAsync("k"));
    }
}
