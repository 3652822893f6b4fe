using AiProxy.Redis;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// Tag purges that reach every replica at once. <see cref="HybridCache.RemoveByTagAsync(string, CancellationToken)"/>
/// records the purge in Redis, but a replica that has already read a tag keeps its own copy of the tag's invalidation
/// time and would go on serving its L1 entries; so each purge is also published on a Redis channel, and every replica
/// applies the purges it hears about to its own cache.
/// </summary>
internal sealed partial class CachePurgeBroadcast : IDisposable
{
    /// <summary>The pub/sub channel purges travel on.</summary>
    public static readonly RedisChannel Channel = RedisChannel.Literal("aiproxy:cache:purge");

    private readonly HybridCache _cache;
    private readonly IRedisConnection _redis;
    private readonly ILogger<CachePurgeBroadcast> _logger;
    private readonly string _senderId = Guid.NewGuid().ToString("N");
    private readonly Task _subscribed;
    private ISubscriber? _subscriber;

    public CachePurgeBroadcast(HybridCache cache, IRedisConnection redis, ILogger<CachePurgeBroadcast> logger)
    {
        _cache = cache;
        _redis = redis;
        _logger = logger;
        _subscribed = redis.IsConfigured ? SubscribeAsync() : Task.CompletedTask;
    }

    /// <summary>Completes once the subscription is in place (or could not be made); for tests and start-up ordering.</summary>
    public Task Subscribed => _subscribed;

    /// <summary>Purges the tags here, records them in Redis and tells the other replicas.</summary>
    public async ValueTask PurgeAsync(IReadOnlyCollection<string> tags, CancellationToken cancellationToken)
    {
        await _cache.RemoveByTagAsync(tags, cancellationToken).ConfigureAwait(false);
        if (_subscriber is not { } subscriber) return;
        try
        {
            await subscriber.PublishAsync(Channel, _senderId + "\n" + string.Join('\n', tags)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.BroadcastFailed(_logger, ex.GetType().Name);
        }
    }

    private async Task SubscribeAsync()
    {
        var mux = await _redis.GetMultiplexerAsync().ConfigureAwait(false);
        if (mux is null) return;
        _subscriber = mux.GetSubscriber();
        try
        {
            // StackExchange.Redis restores subscriptions after a reconnect; one that never got through is retried then.
            await _subscriber.SubscribeAsync(Channel, OnMessage).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.BroadcastFailed(_logger, ex.GetType().Name);
            mux.ConnectionRestored += (_, _) => _ = _subscriber.SubscribeAsync(Channel, OnMessage);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('\n');
        if (parts.Length < 2 || parts[0] == _senderId) return;
        var tags = parts.AsSpan(1).ToArray();
        Log.PurgeReceived(_logger, tags.Length);
        _ = _cache.RemoveByTagAsync(tags).AsTask();
    }

    public void Dispose() => _subscriber?.UnsubscribeAsync(Channel);
}
