using AiProxy.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Shares the semantic index through Redis: every entry added here is appended to a capped Redis list (so a replica
/// that starts later loads it and starts warm) and published on a channel (so running replicas import it at once).
/// The answers themselves live in the exact cache, whose L2 is the same Redis. Redis being down only means a replica
/// keeps its own entries.
/// </summary>
internal sealed partial class SemanticIndexReplication : IDisposable
{
    private const int SenderIdLength = 16;

    private readonly IRedisConnection _redis;
    private readonly SemanticIndex _index;
    private readonly ILogger _logger;
    private readonly byte[] _senderId = Guid.NewGuid().ToByteArray();
    private ISubscriber? _subscriber;
    private int _loaded;

    public SemanticIndexReplication(IRedisConnection redis, SemanticIndex index, string embedderId, ILogger logger)
    {
        // One list and one channel per embedder: a replica never even loads vectors another embedder made.
        LogKey = LogKeyOf(embedderId);
        Channel = RedisChannel.Literal(ChannelOf(embedderId));
        _redis = redis;
        _index = index;
        _logger = logger;
        Ready = StartAsync();
    }

    /// <summary>Gets the Redis list holding the shared entries of this replica's embedder.</summary>
    public string LogKey { get; }

    /// <summary>Gets the channel on which this replica's embedder's new entries are published.</summary>
    public RedisChannel Channel { get; }

    /// <summary>Returns the Redis list of an embedder's entries (<c>aiproxy:semantic:{embedder}:log</c>).</summary>
    public static string LogKeyOf(string embedderId) => $"aiproxy:semantic:{embedderId}:log";

    /// <summary>Returns the channel of an embedder's new entries (<c>aiproxy:semantic:{embedder}:add</c>).</summary>
    public static string ChannelOf(string embedderId) => $"aiproxy:semantic:{embedderId}:add";

    /// <summary>Completes when the stored entries are loaded and the channel is subscribed (or Redis could not be reached).</summary>
    public Task Ready { get; }

    /// <summary>Adds a record here and shares it with the other replicas (fire and forget: a Redis fault loses only the sharing).</summary>
    public void Add(SemanticIndexRecord record)
    {
        _index.Import(record);
        var db = _redis.TryGetDatabase();
        if (db is null) return;
        var payload = Frame(SemanticIndexSerializer.Serialize(record));
        try
        {
            db.ListRightPush(LogKey, payload, flags: CommandFlags.FireAndForget);
            db.ListTrim(LogKey, -_index.MaxEntries, -1, CommandFlags.FireAndForget);
            db.KeyExpire(LogKey, _index.Ttl, CommandFlags.FireAndForget);
            _subscriber?.Publish(Channel, payload, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.ShareFailed(_logger, ex.GetType().Name);
        }
    }

    private async Task StartAsync()
    {
        var mux = await _redis.GetMultiplexerAsync().ConfigureAwait(false);
        if (mux is null) return;
        _subscriber = mux.GetSubscriber();
        // A replica that started while Redis was down loads the shared entries once it is back.
        mux.ConnectionRestored += (_, _) => _ = LoadAsync(mux);
        try
        {
            await _subscriber.SubscribeAsync(Channel, OnMessage).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.ShareFailed(_logger, ex.GetType().Name);
            mux.ConnectionRestored += (_, _) => _ = _subscriber.SubscribeAsync(Channel, OnMessage);
        }
        await LoadAsync(mux).ConfigureAwait(false);
    }

    private async Task LoadAsync(IConnectionMultiplexer mux)
    {
        if (Volatile.Read(ref _loaded) != 0) return;
        try
        {
            var entries = await mux.GetDatabase().ListRangeAsync(LogKey).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _loaded, 1) != 0) return;
            var imported = 0;
            foreach (var entry in entries)
            {
                if (TryImport((byte[]?)entry)) imported++;
            }
            Log.Loaded(_logger, imported);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.ShareFailed(_logger, ex.GetType().Name);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message) => TryImport((byte[]?)message);

    private bool TryImport(byte[]? framed)
    {
        if (framed is null || framed.Length <= SenderIdLength || framed.AsSpan(0, SenderIdLength).SequenceEqual(_senderId)) return false;
        return SemanticIndexSerializer.TryDeserialize(framed.AsSpan(SenderIdLength), out var record) && record is not null && _index.Import(record);
    }

    private byte[] Frame(byte[] record)
    {
        var framed = new byte[SenderIdLength + record.Length];
        _senderId.CopyTo(framed, 0);
        record.CopyTo(framed, SenderIdLength);
        return framed;
    }

    public void Dispose() => _subscriber?.Unsubscribe(Channel, OnMessage, CommandFlags.FireAndForget);

    private static partial class Log
    {
        [LoggerMessage(4311, LogLevel.Warning, "Sharing the semantic index through Redis failed ({Error}); this replica keeps its own entries.")]
        public static partial void ShareFailed(ILogger logger, string error);

        [LoggerMessage(4312, LogLevel.Information, "Loaded {Count} semantic cache entries shared by other replicas.")]
        public static partial void Loaded(ILogger logger, int count);
    }
}
