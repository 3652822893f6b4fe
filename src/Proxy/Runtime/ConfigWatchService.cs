using AiProxy.Configuration;
using AiProxy.Transforms.Configuration;
using AiProxy.Transforms.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiProxy.Runtime;

/// <summary>
/// Applies config edits without a restart: watches the config file and the client key files it names (a rotated client
/// Secret must apply without a config edit; upstream key files are watched by their key pools), and reloads the store.
/// </summary>
internal sealed partial class ConfigWatchService : IHostedService, IDisposable
{
    /// <summary>Editors write a file in several steps: wait for them to finish before reading it.</summary>
    internal static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly AiProxyConfigStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConfigWatchService> _logger;
    private readonly Lock _gate = new();
    private FileWatch? _watch;
    private bool _stopped;

    public ConfigWatchService(AiProxyConfigStore store, TimeProvider timeProvider, ILogger<ConfigWatchService> logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _store.Changed += Watch;
        Watch(_store.Current);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _store.Changed -= Watch;
        lock (_gate)
        {
            _stopped = true;
            _watch?.Dispose();
            _watch = null;
        }
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _watch?.Dispose();
        }
    }

    private void Watch(AiProxySnapshot snapshot)
    {
        string[] paths = [_store.ConfigPath, .. ClientKeyPaths(snapshot.Options)];
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _watch?.Dispose();
            _watch = new FileWatch(paths, OnFilesChanged, Debounce, _timeProvider, _logger);
            foreach (var (folder, error) in _watch.Failures)
            {
                Log.WatchFailed(_logger, folder, error.Message);
            }
        }
    }

    private void OnFilesChanged()
    {
        // Mid-save (or mid-swap) the file may be gone for a moment: the write that brings it back triggers the reload.
        if (File.Exists(_store.ConfigPath))
        {
            _store.TryReload();
        }
        else
        {
            Log.ConfigFileMissing(_logger, _store.ConfigPath, _store.Current.Version);
        }
    }

    private static IEnumerable<string> ClientKeyPaths(AiProxyOptions options)
    {
        foreach (var client in options.Clients?.Values ?? Enumerable.Empty<ClientOptions>())
        {
            foreach (var spec in client?.Keys ?? [])
            {
                if (KeySpec.Parse(spec) is { Kind: KeySpecKind.File, Value.Length: > 0 } file)
                {
                    yield return file.Value;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(103, LogLevel.Warning, "Cannot watch {Directory} for config changes: {Reason}")]
        public static partial void WatchFailed(ILogger logger, string directory, string reason);

        [LoggerMessage(104, LogLevel.Warning, "Config file {Path} is missing; the last good config (version {Version}) stays in force until the file is back.")]
        public static partial void ConfigFileMissing(ILogger logger, string path, int version);
    }
}
