using StackExchange.Redis;

namespace AiProxy.Redis;

/// <summary>The proxy's one shared Redis connection; absent or down Redis is a normal state, not an error.</summary>
public interface IRedisConnection
{
    /// <summary>Gets a value indicating whether Redis is configured at all.</summary>
    bool IsConfigured { get; }

    /// <summary>Gets a value indicating whether the connection is currently up.</summary>
    bool IsConnected { get; }

    /// <summary>Returns the database when connected; <see langword="null"/> when Redis is not configured or is down.</summary>
    IDatabase? TryGetDatabase();

    /// <summary>Returns the shared multiplexer once created (it reconnects on its own); <see langword="null"/> when Redis is not configured.</summary>
    Task<IConnectionMultiplexer?> GetMultiplexerAsync();
}
