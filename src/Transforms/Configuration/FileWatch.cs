using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace AiProxy.Transforms.Configuration;

/// <summary>
/// Calls back when the content of watched files or folders changes: config files and key files. Watches each file's
/// folder rather than the file, because Kubernetes updates a mounted ConfigMap or Secret by swapping the <c>..data</c>
/// symlink beside it; coalesces bursts of events (optionally after a debounce); compares content, so a touch or an
/// identical rewrite calls nothing.
/// </summary>
public sealed partial class FileWatch : IDisposable
{
    private readonly string[] _paths;
    private readonly Action _onChanged;
    private readonly TimeSpan _debounce;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly List<(string Folder, Exception Error)> _failures = [];
    private readonly Lock _compareGate = new();
    private readonly ITimer? _timer;
    private string? _stamp;
    private int _queued;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="FileWatch"/> class and starts watching.</summary>
    /// <param name="paths">Files or folders (a folder counts as every file in it).</param>
    /// <param name="onChanged">Called on a thread-pool thread, never twice at once, after the content changed.</param>
    /// <param name="debounce">How long events must stop before the content is compared; zero compares at once.</param>
    /// <param name="timeProvider">The clock of the debounce.</param>
    /// <param name="logger">Where a failing <paramref name="onChanged"/> is logged.</param>
    public FileWatch(IEnumerable<string> paths, Action onChanged, TimeSpan debounce, TimeProvider timeProvider, ILogger logger)
    {
        _paths = paths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        _onChanged = onChanged;
        _debounce = debounce;
        _logger = logger;
        _stamp = Stamp();
        if (debounce > TimeSpan.Zero)
        {
            _timer = timeProvider.CreateTimer(static s => ((FileWatch)s!).QueueCompare(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        foreach (var folder in Folders(_paths))
        {
            Watch(folder);
        }
    }

    /// <summary>Gets the folders that could not be watched (e.g. the inotify limit), with the reason.</summary>
    public IReadOnlyList<(string Folder, Exception Error)> Failures => _failures;

    /// <summary>Stops watching; a comparison already running finishes.</summary>
    public void Dispose()
    {
        // No lock: a comparison in progress may be what disposes this watch (a reload replacing it).
        _disposed = true;
        foreach (var watcher in _watchers)
        {
            watcher.EnableRaisingEvents = false;
            watcher.Dispose();
        }
        _timer?.Dispose();
    }

    private static IEnumerable<string> Folders(string[] paths)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var folder = Directory.Exists(path) ? path : Path.GetDirectoryName(path);
            if (folder is not null && Directory.Exists(folder) && folders.Add(folder))
            {
                yield return folder;
            }
        }
    }

    private void Watch(string folder)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Renamed += OnEvent;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            _failures.Add((folder, ex));
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Schedule();

    // A buffer overflow loses events: compare anyway.
    private void OnError(object sender, ErrorEventArgs e) => Schedule();

    private void Schedule()
    {
        if (_disposed)
        {
            return;
        }
        if (_timer is null)
        {
            QueueCompare();
            return;
        }
        try
        {
            _timer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An event raced with Dispose: nothing to do.
        }
    }

    private void QueueCompare()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static watch =>
            {
                // Cleared before reading, so a change during the comparison queues one more.
                Volatile.Write(ref watch._queued, 0);
                watch.Compare();
            }, this, preferLocal: false);
        }
    }

    private void Compare()
    {
        lock (_compareGate)
        {
            var stamp = Stamp();
            if (_disposed || stamp is null || stamp == _stamp)
            {
                return;
            }
            _stamp = stamp;
            try
            {
                _onChanged();
            }
            catch (Exception ex)
            {
                // Runs on timer and thread-pool threads, where an escaping exception would end the process.
                Log.ChangeHandlerFailed(_logger, ex);
            }
        }
    }

    /// <summary>A hash over the names and content of every watched file; null while one cannot be read (mid-swap).</summary>
    private string? Stamp()
    {
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var path in _paths)
            {
                string[] files = Directory.Exists(path) ? Directory.GetFiles(path) : File.Exists(path) ? [path] : [];
                Array.Sort(files, StringComparer.Ordinal);
                hash.AppendData(Encoding.UTF8.GetBytes(path + (files.Length == 0 ? "\0missing\n" : "\n")));
                foreach (var file in files)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(file + "\n"));
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Error, EventName = "FileWatchHandlerFailed",
            Message = "Applying a change of watched files failed; the previous state stays in use.")]
        public static partial void ChangeHandlerFailed(ILogger logger, Exception exception);
    }
}
