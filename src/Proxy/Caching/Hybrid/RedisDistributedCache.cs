using System.Buffers;
using AiProxy.Redis;
using Microsoft.Extensions.Caching.Distributed;
using StackExchange.Redis;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// <see cref="IDistributedCache"/> over the shared <see cref="IRedisConnection"/> with plain GET/SET/DEL and a TTL
/// (Microsoft.Extensions.Caching.StackExchangeRedis needs StackExchange.Redis 2.x, which does not restore here).
/// </summary>
/// <remarks>
/// Sliding expiration is applied as a plain TTL and <see cref="Refresh"/> does nothing: the hybrid cache only uses
/// absolute expirations. Operations throw when Redis is down; the hybrid cache turns that into a miss and a back-off.
/// </remarks>
internal sealed class RedisDistributedCache : IDistributedCache, IBufferDistributedCache
{
    /// <summary>Prefix of every key this cache writes, so cache entries never collide with rate-limit or other proxy keys.</summary>
    public const string KeyPrefix = "aiproxy:cache:";

    private readonly IRedisConnection _connection;
    private readonly TimeProvider _timeProvider;

    public RedisDistributedCache(IRedisConnection connection, TimeProvider timeProvider)
    {
        _connection = connection;
        _timeProvider = timeProvider;
        // Starts the background connect now rather than on the first lookup, which would otherwise find Redis "down".
        _ = connection.TryGetDatabase();
    }

    /// <summary>Gets a value indicating whether Redis is configured; when it is not, the hybrid cache runs L1-only.</summary>
    public bool IsConfigured => _connection.IsConfigured;

    public byte[]? Get(string key) => (byte[]?)Database().StringGet(RedisKeyFor(key));

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var value = await Database().StringGetAsync(RedisKeyFor(key)).WaitAsync(token).ConfigureAwait(false);
        return (byte[]?)value;
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        => Database().StringSet(RedisKeyFor(key), value, Ttl(options) is { } ttl ? new Expiration(ttl) : Expiration.Default);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        => Database().StringSetAsync(RedisKeyFor(key), value, Ttl(options) is { } ttl ? new Expiration(ttl) : Expiration.Default).WaitAsync(token);

    public void Refresh(string key)
    {
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key) => Database().KeyDelete(RedisKeyFor(key));

    public Task RemoveAsync(string key, CancellationToken token = default)
        => Database().KeyDeleteAsync(RedisKeyFor(key)).WaitAsync(token);

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        var value = Get(key);
        if (value is null) return false;
        destination.Write(value);
        return true;
    }

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        var value = await GetAsync(key, token).ConfigureAwait(false);
        if (value is null) return false;
        destination.Write(value);
        return true;
    }

    // StackExchange.Redis 1.2.6 only takes byte[] values, so a multi-segment sequence is copied once.
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
        => Set(key, value.ToArray(), options);

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
        => new(SetAsync(key, value.ToArray(), options, token));

    private IDatabase Database() => _connection.TryGetDatabase() ?? throw new RedisUnavailableException();

    private static RedisKey RedisKeyFor(string key) => KeyPrefix + key;

    private TimeSpan? Ttl(DistributedCacheEntryOptions options)
    {
        TimeSpan? ttl = options.AbsoluteExpirationRelativeToNow;
        if (options.AbsoluteExpiration is { } absolute)
        {
            var relative = absolute - _timeProvider.GetUtcNow();
            ttl = ttl is null || relative < ttl ? relative : ttl;
        }
        if (options.SlidingExpiration is { } sliding && (ttl is null || sliding < ttl))
        {
            ttl = sliding;
        }
        // A non-positive TTL would make SET fail; the entry is already expired, so keep it for the shortest possible time.
        return ttl is { } t && t <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : ttl;
    }
}
