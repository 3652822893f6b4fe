namespace AiProxy.Transforms.Keys;

public sealed partial class UpstreamKeyPool
{
    private readonly Lock _reloadGate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private IReadOnlyList<KeySourceProblem> _problems = [];
    private string _lastProblemSignature = string.Empty;
    private ITimer? _pollTimer;
    private int _reloadQueued;
    private bool _loadedOnce;
    private bool _disposed;

    /// <summary>Raised after every reload attempt (file change, poll, <see cref="ReloadAsync"/>, <see cref="ApplyOptions"/>).</summary>
    public event EventHandler? KeysReloaded;

    /// <summary>Gets the key specs that resolved to nothing at the last reload (unset variable, missing or empty file).</summary>
    public IReadOnlyList<KeySourceProblem> Problems => Volatile.Read(ref _problems);

    /// <summary>Re-reads every key spec now; keys whose secret is unchanged keep their state, new secrets start fresh.</summary>
    public Task ReloadAsync(CancellationToken cancellationToken = default)
        => Task.Run(Reload, cancellationToken);

    /// <summary>Applies changed options (config hot reload): new specs, strategy and limits take effect and the keys are re-read; unchanged keys keep their state.</summary>
    public void ApplyOptions(UpstreamKeyPoolOptions options)
    {
        var settings = new PoolSettings(options);
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return;
            }

            _settings = settings;
            ConfigureWatchersLocked(settings);
            ReloadLocked();
        }

        RaiseReloaded();
    }

    /// <summary>Stops watching key files.</summary>
    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
            DisposeWatchersLocked();
        }
    }

    private void Reload()
    {
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return;
            }

            ReloadLocked();
        }

        RaiseReloaded();
    }

    private void RaiseReloaded()
    {
        try
        {
            KeysReloaded?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            // Raised on watcher and timer threads, where an escaping exception would end the process.
            Log.ReloadFailed(_logger, ProviderName, ex);
        }
    }

    private void ReloadLocked()
    {
        try
        {
            var settings = _settings;
            var secrets = new List<string>();
            var problems = new List<KeySourceProblem>();
            var remedies = new List<string>();
            foreach (var spec in settings.Specs)
            {
                remedies.Clear();
                KeySourceResolver.Resolve(spec, secrets, remedies);
                foreach (var remedy in remedies)
                {
                    problems.Add(new KeySourceProblem(ProviderName, spec.Describe(), remedy));
                }
            }

            var previous = _keys;
            var bySecret = new Dictionary<string, KeyEntry>(previous.Length, StringComparer.Ordinal);
            foreach (var entry in previous)
            {
                bySecret[entry.Secret] = entry;
            }

            var next = new List<KeyEntry>(secrets.Count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var added = 0;
            foreach (var secret in secrets)
            {
                if (!seen.Add(secret))
                {
                    continue;
                }

                // Same secret, same entry: cooldowns, counters and a 401 verdict survive; a changed secret is a new, enabled key.
                if (bySecret.TryGetValue(secret, out var existing))
                {
                    next.Add(existing);
                }
                else
                {
                    next.Add(new KeyEntry(secret));
                    added++;
                }
            }

            var removed = previous.Length - (next.Count - added);
            _keys = next.ToArray();
            Volatile.Write(ref _problems, problems);

            var signature = string.Join("\n", problems.Select(static p => p.Spec + "\t" + p.Remedy));
            if (!string.Equals(signature, _lastProblemSignature, StringComparison.Ordinal))
            {
                _lastProblemSignature = signature;
                foreach (var problem in problems)
                {
                    Log.KeySourceEmpty(_logger, ProviderName, problem.Spec, problem.Remedy);
                }
            }

            if (!_loadedOnce || added > 0 || removed > 0)
            {
                _loadedOnce = true;
                Log.KeysLoaded(_logger, ProviderName, next.Count, added, removed);
            }
        }
        catch (Exception ex)
        {
            // Called from watcher and timer threads: an unexpected fault must not crash the process.
            Log.ReloadFailed(_logger, ProviderName, ex);
        }
    }

    private void QueueReload()
    {
        if (Interlocked.Exchange(ref _reloadQueued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static pool =>
            {
                // Cleared before reading, so a change during the reload queues one more.
                Volatile.Write(ref pool._reloadQueued, 0);
                pool.Reload();
            }, this, preferLocal: false);
        }
    }

    private void ConfigureWatchersLocked(PoolSettings settings)
    {
        DisposeWatchersLocked();
        if (!settings.WatchFiles || !settings.HasFileSpecs)
        {
            return;
        }

        var directories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in settings.Specs)
        {
            if (spec.Kind != KeySpecKind.File || spec.Value.Length == 0)
            {
                continue;
            }

            // Watch the directory even for a single file: Kubernetes replaces Secret files by swapping the ..data symlink beside them.
            var full = Path.GetFullPath(spec.Value);
            var directory = Directory.Exists(full) ? full : Path.GetDirectoryName(full);
            if (directory is not null && Directory.Exists(directory))
            {
                directories.Add(directory);
            }
        }

        foreach (var directory in directories)
        {
            FileSystemWatcher? watcher = null;
            try
            {
                watcher = new FileSystemWatcher(directory)
                {
                    IncludeSubdirectories = false,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Error += OnWatcherError;
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // e.g. the inotify instance limit: polling still picks changes up.
                watcher?.Dispose();
                Log.WatchFailed(_logger, ProviderName, directory, ex);
            }
        }

        if (settings.PollingInterval > TimeSpan.Zero)
        {
            _pollTimer = _timeProvider.CreateTimer(static state => ((UpstreamKeyPool)state!).QueueReload(), this, settings.PollingInterval, settings.PollingInterval);
        }
    }

    private void DisposeWatchersLocked()
    {
        foreach (var watcher in _watchers)
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
        }

        _watchers.Clear();
        _pollTimer?.Dispose();
        _pollTimer = null;
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => QueueReload();

    private void OnWatcherError(object sender, ErrorEventArgs e) => QueueReload();
}
