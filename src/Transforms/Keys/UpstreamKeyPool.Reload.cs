using AiProxy.Transforms.Configuration;

namespace AiProxy.Transforms.Keys;

public sealed partial class UpstreamKeyPool
{
    private readonly Lock _reloadGate = new();
    private FileWatch? _watch;
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
            var secrets = new List<string>();
            var reservedFor = new List<PriorityClass?>();
            var problems = ResolveSecrets(_settings, secrets, reservedFor);
            var previous = _keys;
            var (next, added) = MergeKeys(previous, secrets, reservedFor);
            var removed = previous.Length - (next.Length - added);
            _keys = next;
            Volatile.Write(ref _problems, problems);
            LogProblemsOnChange(problems);

            if (!_loadedOnce || added > 0 || removed > 0)
            {
                _loadedOnce = true;
                Log.KeysLoaded(_logger, ProviderName, next.Length, added, removed);
            }
        }
        catch (Exception ex)
        {
            // Called from watcher and timer threads: an unexpected fault must not crash the process.
            Log.ReloadFailed(_logger, ProviderName, ex);
        }
    }

    private List<KeySourceProblem> ResolveSecrets(PoolSettings settings, List<string> secrets, List<PriorityClass?> reservedFor)
    {
        var problems = new List<KeySourceProblem>();
        var remedies = new List<string>();
        for (var i = 0; i < settings.Specs.Length; i++)
        {
            var spec = settings.Specs[i];
            remedies.Clear();
            KeySourceResolver.Resolve(spec, secrets, remedies);
            while (reservedFor.Count < secrets.Count)
            {
                reservedFor.Add(settings.SpecReservedFor[i]);
            }
            foreach (var remedy in remedies)
            {
                problems.Add(new KeySourceProblem(ProviderName, spec.Describe(), remedy));
            }
        }
        return problems;
    }

    private static (KeyEntry[] Next, int Added) MergeKeys(KeyEntry[] previous, List<string> secrets, List<PriorityClass?> reservedFor)
    {
        var bySecret = new Dictionary<string, KeyEntry>(previous.Length, StringComparer.Ordinal);
        foreach (var entry in previous)
        {
            bySecret[entry.Secret] = entry;
        }

        var next = new List<KeyEntry>(secrets.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var added = 0;
        for (var i = 0; i < secrets.Count; i++)
        {
            var secret = secrets[i];
            if (!seen.Add(secret))
            {
                continue;
            }

            // Same secret, same entry: cooldowns, counters and a 401 verdict survive; a changed secret is a new, enabled key.
            if (!bySecret.TryGetValue(secret, out var entry))
            {
                entry = new KeyEntry(secret);
                added++;
            }
            // A secret listed both shared and reserved is shared (its first listing wins).
            entry.ReservedFor = reservedFor[i];
            next.Add(entry);
        }
        return (next.ToArray(), added);
    }

    private void LogProblemsOnChange(List<KeySourceProblem> problems)
    {
        var signature = string.Join("\n", problems.Select(static p => p.Spec + "\t" + p.Remedy));
        if (!string.Equals(signature, _lastProblemSignature, StringComparison.Ordinal))
        {
            _lastProblemSignature = signature;
            foreach (var problem in problems)
            {
                Log.KeySourceEmpty(_logger, ProviderName, problem.Spec, problem.Remedy);
            }
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

        var paths = settings.Specs.Where(static s => s.Kind == KeySpecKind.File && s.Value.Length > 0).Select(static s => s.Value);
        // No debounce: a reload is cheap and keeps the state of unchanged keys; a Secret swap is atomic.
        _watch = new FileWatch(paths, Reload, TimeSpan.Zero, _timeProvider, _logger);
        foreach (var (folder, error) in _watch.Failures)
        {
            // e.g. the inotify instance limit: polling still picks changes up.
            Log.WatchFailed(_logger, ProviderName, folder, error);
        }

        if (settings.PollingInterval > TimeSpan.Zero)
        {
            _pollTimer = _timeProvider.CreateTimer(static state => ((UpstreamKeyPool)state!).QueueReload(), this, settings.PollingInterval, settings.PollingInterval);
        }
    }

    private void DisposeWatchersLocked()
    {
        _watch?.Dispose();
        _watch = null;
        _pollTimer?.Dispose();
        _pollTimer = null;
    }
}
