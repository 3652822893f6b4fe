using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AiProxy.Testing;

/// <summary>A real redis-server process on a free loopback port, for tests that need Redis.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort();

    /// <summary>StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var exe = TestTools.Require("redis-server", "redis-server");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
        {
            psi.ArgumentList.Add(a);
        }
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install redis-server");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var n = await stream.ReadAsync(buffer);
                if (n > 0 && buffer[0] == (byte)'+') return;
            }
            catch (SocketException)
            {
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"redis-server did not answer on port {Port}");
    }

    /// <summary>Kills the server (for fault tests); <see cref="StartAsync"/> brings it back on the same port.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops the server process (SIGSTOP): connections stay open and every call hangs, as on a stalled Redis.</summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Resumes a frozen server (SIGCONT).</summary>
    public void Thaw() => Signal("-CONT");

    private void Signal(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Thaw();
        Kill();
        return default;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
