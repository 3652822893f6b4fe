using System.Collections.Concurrent;
using System.Diagnostics;

namespace AiProxy.LoadTests.Compare;

/// <summary>A Release build run as <c>dotnet X.dll</c>: output to a log file, killed (with its tree) on dispose, on exit and on Ctrl-C.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private readonly Process _process;
    private readonly StreamWriter _log;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) => KillAll();
        Console.CancelKeyPress += static (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process, StreamWriter log, string logPath, Uri url)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        Url = url;
    }

    public string Name { get; }

    public Uri Url { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public static async Task<ChildProcess> StartAsync(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, int port, string readyPath, string logDir)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{name}: {dll} not found; build with -c Release first (dotnet run -c Release builds it)", dll);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        Directory.CreateDirectory(logDir);
        var logPath = Path.Combine(logDir, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name}: could not start dotnet");
        Running[process.Id] = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(name, process, log, logPath, new Uri($"http://127.0.0.1:{port}/"));
        await child.WaitReadyAsync(readyPath).ConfigureAwait(false);
        return child;
    }

    /// <summary>User + system CPU time consumed so far (from /proc on Linux).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            EnsureRunning();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>CPU time of the background tier-1 JIT thread so far (see <see cref="TieredJit"/>); null where unknown.</summary>
    public TimeSpan? TieredJitCpuTime
    {
        get
        {
            EnsureRunning();
            return TieredJit.CpuTime(_process.Id);
        }
    }

    /// <summary>Resident set size in bytes.</summary>
    public long Rss
    {
        get
        {
            EnsureRunning();
            return _process.WorkingSet64;
        }
    }

    private void EnsureRunning()
    {
        _process.Refresh();
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} during the run; last lines of {LogPath}:\n{Tail()}");
        }
    }

    private async Task WaitReadyAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; see {LogPath}:\n{Tail()}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(Url, path)).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
        throw new TimeoutException($"{Name} did not answer {path} in 60 s; see {LogPath}");
    }

    private string Tail()
    {
        lock (_log)
        {
            _log.Flush();
        }
        return string.Join('\n', File.ReadLines(LogPath).TakeLast(5).Select(l => l.Length > 300 ? l[..300] + "…" : l));
    }

    public async ValueTask DisposeAsync()
    {
        Running.TryRemove(_process.Id, out _);
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or refused to die in time: nothing more to do from here.
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void KillAll()
    {
        foreach (var (_, p) in Running)
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Exited meanwhile.
            }
        }
    }
}
