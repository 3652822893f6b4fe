using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using AiProxy.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AiProxy.Runtime;

/// <summary>
/// Holds the config snapshot in force and swaps it on reload. An invalid edit is logged and reported, and the last good
/// snapshot stays; in-flight requests keep the snapshot they started with. <see cref="ConfigWatchService"/> calls
/// <see cref="TryReload"/> when the file changes.
/// </summary>
internal sealed partial class AiProxyConfigStore : IDisposable
{
    private readonly ConfigLoader _loader;
    private readonly ProviderRuntimeFactory _runtimes;
    private readonly ILogger<AiProxyConfigStore> _logger;
    private readonly Lock _reloadGate = new();
    private volatile AiProxySnapshot _current;
    private CancellationTokenSource _changeSource = new();

    /// <summary>Compiles the config the host validated at start-up (read once, compiled once, with the host's clock and logging).</summary>
    public AiProxyConfigStore(ConfigLoader loader, ProviderRuntimeFactory runtimes, LoadedConfig initial, ILogger<AiProxyConfigStore> logger)
    {
        _loader = loader;
        _runtimes = runtimes;
        _logger = logger;
        _current = SnapshotCompiler.Compile(initial, 1, null, runtimes);
    }

    public AiProxySnapshot Current => _current;

    public string ConfigPath => _loader.Path;

    /// <summary>Raised after a new snapshot is in force.</summary>
    public event Action<AiProxySnapshot>? Changed;

    /// <summary>Raised after every reload attempt: true when a new snapshot is in force, false when the edit was rejected or failed.</summary>
    public event Action<bool>? ReloadAttempted;

    /// <summary>Gets a token that fires when a new snapshot is in force.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changeSource).Token);

    /// <summary>Re-reads the file now; returns the errors of an invalid file (the current snapshot then stays).</summary>
    public IReadOnlyList<ConfigError> Reload()
    {
        lock (_reloadGate)
        {
            var previous = _current;
            var errors = SnapshotCompiler.TryLoad(_loader, _runtimes, previous.Version + 1, previous, out var snapshot);
            if (snapshot is null)
            {
                Log.ReloadRejected(_logger, errors.Count, string.Join("; ", errors));
                ReloadAttempted?.Invoke(false);
                return errors;
            }

            _current = snapshot;
            foreach (var (name, runtime) in previous.Providers)
            {
                // Replaced providers stop watching their key files; in-flight requests keep working with their leases.
                if (!snapshot.Providers.TryGetValue(name, out var kept) || !ReferenceEquals(kept, runtime))
                {
                    runtime.Dispose();
                }
            }
            var old = Interlocked.Exchange(ref _changeSource, new CancellationTokenSource());
            old.Cancel();
            old.Dispose();
            Changed?.Invoke(snapshot);
            Log.Reloaded(_logger, snapshot.Version, snapshot.Routes.Routes.Length, snapshot.Providers.Count);
            ReloadAttempted?.Invoke(true);
            return errors;
        }
    }

    /// <summary>Reloads from a file watch: never throws, since a reload must not take the process down.</summary>
    public void TryReload()
    {
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            // The type and stack locate the bug; the message is left out, since it may quote a config value (see ConfigMessages).
            Log.ReloadFailed(_logger, ex.GetType().FullName ?? ex.GetType().Name, ex.StackTrace ?? "");
            ReloadAttempted?.Invoke(false);
        }
    }

    public void Dispose()
    {
        foreach (var runtime in _current.Providers.Values)
        {
            runtime.Dispose();
        }
        _changeSource.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Config reloaded: version {Version}, {Routes} routes, {Providers} providers.")]
        public static partial void Reloaded(ILogger logger, int version, int routes, int providers);

        // The errors name paths and problems, never values (ConfigMessages), so they can be logged whole.
        [LoggerMessage(101, LogLevel.Error, "Config edit rejected ({Count} errors); the last good config stays in force: {Errors}")]
        public static partial void ReloadRejected(ILogger logger, int count, string errors);

        [LoggerMessage(102, LogLevel.Error, "Config reload failed ({ExceptionType}); the last good config stays in force. {StackTrace}")]
        public static partial void ReloadFailed(ILogger logger, string exceptionType, string stackTrace);
    }
}
