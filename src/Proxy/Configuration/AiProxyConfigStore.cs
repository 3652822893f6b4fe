using AiProxy.Configuration.Validation;
using AiProxy.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AiProxy.Configuration;

/// <summary>
/// Holds the config snapshot in force and swaps it when the file changes. An invalid edit is logged and counted,
/// and the last good snapshot stays; in-flight requests keep the snapshot they started with.
/// </summary>
internal sealed partial class AiProxyConfigStore : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(250);

    private readonly ConfigLoader _loader;
    private readonly ILogger<AiProxyConfigStore> _logger;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly object _reloadGate = new();
    private volatile AiProxySnapshot _current;
    private CancellationTokenSource _changeSource = new();
    private FileSystemWatcher? _watcher;
    private List<FileSystemWatcher> _secretWatchers = [];
    private ITimer? _debounceTimer;
    private string? _lastFileStamp;

    public AiProxyConfigStore(ConfigLoader loader, ILogger<AiProxyConfigStore> logger, ProxyMetrics metrics, TimeProvider timeProvider)
    {
        _loader = loader;
        var errors = loader.TryLoad(1, null, out var initial);
        _current = initial ?? throw new Hosting.InvalidConfigException(loader.Path, errors);
        _logger = logger;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _lastFileStamp = FileStamp();
    }

    public AiProxySnapshot Current => _current;

    public string ConfigPath => _loader.Path;

    /// <summary>Raised after a new snapshot is in force.</summary>
    public event Action<AiProxySnapshot>? Changed;

    /// <summary>Gets a token that fires when a new snapshot is in force.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changeSource).Token);

    /// <summary>Re-reads the file now; returns the errors of an invalid file (the current snapshot then stays).</summary>
    public IReadOnlyList<ConfigError> Reload()
    {
        lock (_reloadGate)
        {
            var previous = _current;
            var errors = _loader.TryLoad(previous.Version + 1, previous, out var snapshot);
            if (snapshot is null)
            {
                Log.ReloadRejected(_logger, errors.Count, string.Join("; ", errors));
                _metrics.ConfigReloaded(success: false);
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
            _metrics.ConfigReloaded(success: true);
            return errors;
        }
    }

    /// <summary>Watches the file's folder (Kubernetes ConfigMaps swap a symlink, so the file itself is not enough).</summary>
    public void StartWatching()
    {
        var directory = Path.GetDirectoryName(_loader.Path)!;
        _debounceTimer = _timeProvider.CreateTimer(static s => ((AiProxyConfigStore)s!).OnDebounced(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            _watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatchFailed(_logger, directory, ex.Message);
        }
        _lastFileStamp = FileStamp();
        WatchClientKeyFiles(_current);
        Changed += WatchClientKeyFiles;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _debounceTimer?.Change(Debounce, Timeout.InfiniteTimeSpan);

    private void OnDebounced()
    {
        var stamp = FileStamp();
        if (stamp is null || stamp == _lastFileStamp)
        {
            return;
        }
        _lastFileStamp = stamp;
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            // A reload must never take the process down; the last good config stays.
            Log.ReloadFailed(_logger, ex);
            _metrics.ConfigReloaded(success: false);
        }
    }

    /// <summary>
    /// A hash over the config file and the client key files it references (a rotated client Secret must apply
    /// without a config edit). Upstream key files are watched by their key pools instead.
    /// </summary>
    private string? FileStamp()
    {
        try
        {
            using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            hash.AppendData(File.ReadAllBytes(_loader.Path));
            foreach (var path in ClientKeyPaths(_current))
            {
                string[] files = Directory.Exists(path) ? Directory.GetFiles(path) : File.Exists(path) ? [path] : [];
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var file in files)
                {
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file));
                    hash.AppendData(File.ReadAllBytes(file));
                }
            }
            return Convert.ToHexString(hash.GetHashAndReset());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> ClientKeyPaths(AiProxySnapshot snapshot)
    {
        if (snapshot.Options.Clients is not { } clients)
        {
            yield break;
        }
        foreach (var client in clients.Values)
        {
            foreach (var spec in client?.Keys ?? [])
            {
                if (Transforms.Keys.KeySpec.Parse(spec) is { Kind: Transforms.Keys.KeySpecKind.File, Value.Length: > 0 } file)
                {
                    yield return file.Value;
                }
            }
        }
    }

    /// <summary>Watches the folders of client key files (Kubernetes swaps a Secret's files through a symlinked folder).</summary>
    private void WatchClientKeyFiles(AiProxySnapshot snapshot)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in ClientKeyPaths(snapshot))
        {
            var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null && Directory.Exists(folder))
            {
                folders.Add(folder);
            }
        }
        var watchers = new List<FileSystemWatcher>();
        foreach (var folder in folders)
        {
            try
            {
                var watcher = new FileSystemWatcher(folder) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.DirectoryName };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.EnableRaisingEvents = true;
                watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
            {
                Log.WatchFailed(_logger, folder, ex.Message);
            }
        }
        var old = Interlocked.Exchange(ref _secretWatchers, watchers);
        foreach (var watcher in old)
        {
            watcher.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var runtime in _current.Providers.Values)
        {
            runtime.Dispose();
        }
        _watcher?.Dispose();
        foreach (var watcher in _secretWatchers)
        {
            watcher.Dispose();
        }
        _debounceTimer?.Dispose();
        _changeSource.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Config reloaded: version {Version}, {Routes} routes, {Providers} providers.")]
        public static partial void Reloaded(ILogger logger, int version, int routes, int providers);

        [LoggerMessage(101, LogLevel.Error, "Config edit rejected ({Count} errors); the last good config stays in force: {Errors}")]
        public static partial void ReloadRejected(ILogger logger, int count, string errors);

        [LoggerMessage(102, LogLevel.Error, "Config reload failed; the last good config stays in force.")]
        public static partial void ReloadFailed(ILogger logger, Exception exception);

        [LoggerMessage(103, LogLevel.Warning, "Cannot watch {Directory} for config changes: {Reason}")]
        public static partial void WatchFailed(ILogger logger, string directory, string reason);
    }
}
