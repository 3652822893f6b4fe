using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>The built proxy (AiProxy.dll beside the tests) run as a child process, for what only a real process shows: SIGTERM, exit code.</summary>
internal sealed partial class ProxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ProxyProcess(Process process, string configPath)
    {
        _process = process;
        ConfigPath = configPath;
    }

    public string ConfigPath { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static async Task<ProxyProcess> StartAsync(string configJson)
    {
        var dir = Path.Combine(Path.GetTempPath(), "aiproxy-ft", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var configPath = Path.Combine(dir, "aiproxy.json");
        await File.WriteAllTextAsync(configPath, configJson);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "AiProxy.dll"), "--config", configPath, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var proxy = new ProxyProcess(new Process { StartInfo = info }, configPath);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (proxy._output)
            {
                proxy._output.AppendLine(e.Data);
            }
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Value + "/"));
            }
        };
        proxy._process.OutputDataReceived += onLine;
        proxy._process.ErrorDataReceived += onLine;
        proxy._process.Start();
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();
        try
        {
            proxy.BaseUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await proxy.DisposeAsync();
            throw new InvalidOperationException("the proxy did not start:\n" + proxy.Output);
        }
        return proxy;
    }

    /// <summary>Sends SIGTERM, as Kubernetes does before it stops a pod.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningOn();
}
