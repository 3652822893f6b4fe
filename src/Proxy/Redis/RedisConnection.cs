using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiProxy.Redis;

/// <summary>
/// The one <see cref="ConnectionMultiplexer"/> of the process, shared by the rate limiter, the cache's L2 and purge
/// broadcasts. It connects in the background with <c>abortConnect=false</c>, so a missing Redis never blocks start-up,
/// and StackExchange.Redis reconnects on its own. Commands fail fast while disconnected (no backlog) and time out after
/// <see cref="DefaultCommandTimeout"/> unless the configuration string sets its own timeouts: callers treat a failure or
/// <see langword="null"/> from <see cref="TryGetDatabase"/> as "degrade to local". The cache's L2 holds each call to the
/// shorter <c>Redis.OperationTimeout</c> on top of this.
/// </summary>
internal sealed partial class RedisConnection : IRedisConnection, IDisposable
{
    /// <summary>Default of <c>Redis.OperationTimeout</c>: the most a cache lookup or store waits for Redis.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Default sync/async command timeout (StackExchange.Redis' own is 5 s): a sidecar must not hold requests on a slow
    /// Redis, yet a burst of limiter scripts on a busy node needs more than the cache's 250 ms.
    /// </summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(1);

    private readonly string? _configuration;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lock _gate = new();
    private Task<IConnectionMultiplexer?>? _connect;
    private volatile IConnectionMultiplexer? _multiplexer;

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

    public Task<IConnectionMultiplexer?> GetMultiplexerAsync() => StartConnect();

    /// <summary>Starts connecting in the background (idempotent); called at start-up so the first request finds Redis ready.</summary>
    public Task<IConnectionMultiplexer?> StartConnect()
    {
        if (_configuration is null) return Task.FromResult<IConnectionMultiplexer?>(null);
        lock (_gate)
        {
            return _connect ??= Task.Run(ConnectAsync);
        }
    }

    /// <summary>Builds the client options: our fail-fast defaults unless the configuration string says otherwise.</summary>
    internal static ConfigurationOptions CreateOptions(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        // Queued commands while disconnected would each wait for the full timeout; failing at once lets callers fall back.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var milliseconds = (int)DefaultCommandTimeout.TotalMilliseconds;
        if (!Mentions(configuration, "syncTimeout")) options.SyncTimeout = milliseconds;
        if (!Mentions(configuration, "asyncTimeout")) options.AsyncTimeout = milliseconds;
        if (!Mentions(configuration, "connectTimeout")) options.ConnectTimeout = 2000;
        return options;

        static bool Mentions(string configuration, string name) => configuration.Contains(name + "=", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<IConnectionMultiplexer?> ConnectAsync()
    {
        try
        {
            var mux = await ConnectionMultiplexer.ConnectAsync(CreateOptions(_configuration!)).ConfigureAwait(false);
            mux.ConnectionFailed += (_, e) => Log.ConnectionFailed(_logger, e.FailureType.ToString());
            mux.ConnectionRestored += (_, _) => Log.ConnectionRestored(_logger);
            _multiplexer = mux;
            return mux;
        }
        catch (Exception ex)
        {
            // Only a malformed configuration gets here (abortConnect=false never throws for an unreachable server).
            Log.ConnectFailed(_logger, ex.GetType().Name);
            return null;
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
