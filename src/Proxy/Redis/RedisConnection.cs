using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiProxy.Redis;

/// <summary>
/// Lazily connects with <c>abortConnect=false</c> so a missing Redis never blocks start-up; StackExchange.Redis
/// reconnects in the background and callers treat <see langword="null"/> from <see cref="TryGetDatabase"/> as "degrade to local".
/// </summary>
internal sealed partial class RedisConnection : IRedisConnection, IDisposable
{
    private readonly string? _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly object _gate = new();
    private ConnectionMultiplexer? _multiplexer;
    private bool _connecting;

    public RedisConnection(string? configuration, ILogger<RedisConnection> logger)
    {
        _configuration = string.IsNullOrWhiteSpace(configuration) ? null : configuration;
        _logger = logger;
    }

    public bool IsConfigured => _configuration is not null;

    public bool IsConnected => _multiplexer?.IsConnected == true;

    public IDatabase? TryGetDatabase()
    {
        var mux = _multiplexer;
        if (mux is null)
        {
            StartConnect();
            return null;
        }
        return mux.IsConnected ? mux.GetDatabase() : null;
    }

    /// <summary>Starts connecting in the background (idempotent); useful at start-up so the first request finds Redis ready.</summary>
    public void StartConnect()
    {
        if (_configuration is null) return;
        lock (_gate)
        {
            if (_multiplexer is not null || _connecting) return;
            _connecting = true;
        }
        _ = Task.Run(ConnectAsync);
    }

    private async Task ConnectAsync()
    {
        try
        {
            var options = ConfigurationOptions.Parse(_configuration!);
            options.AbortOnConnectFail = false;
            var mux = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            mux.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.FailureType.ToString());
            mux.ConnectionRestored += (_, _) => Log.ConnectionRestored(_logger);
            lock (_gate) { _multiplexer = mux; }
        }
        catch (Exception ex)
        {
            Log.ConnectFailed(_logger, ex.GetType().Name);
        }
        finally
        {
            lock (_gate) { _connecting = false; }
        }
    }

    public void Dispose() => _multiplexer?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Warning, "Redis connection failed ({FailureType}); using local fallbacks until it is restored.")]
        public static partial void ConnectionFailed(ILogger logger, string failureType);

        [LoggerMessage(1002, LogLevel.Information, "Redis connection restored.")]
        public static partial void ConnectionRestored(ILogger logger);

        [LoggerMessage(1003, LogLevel.Warning, "Could not connect to Redis ({Error}); using local fallbacks.")]
        public static partial void ConnectFailed(ILogger logger, string error);
    }
}
