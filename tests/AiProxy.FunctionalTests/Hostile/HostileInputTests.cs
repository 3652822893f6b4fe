using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Hostile;

/// <summary>
/// Hostile bodies and request targets against a real proxy: every answer is a 2xx or an OpenAI-style 4xx, never a 500
/// or a hang, and nothing reaches a host the config does not name.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private const int Seed = 20261130;
    private const int Cases = 300;
    private MockUpstreamServer _upstream = null!;
    private TcpListener _elsewhere = null!;
    private int _elsewhereConnections;

    public async Task InitializeAsync()
    {
        _upstream = await MockUpstreamServer.StartAsync();
        // A listener the config never names: a proxy that can be steered there is an SSRF.
        _elsewhere = new TcpListener(IPAddress.Loopback, 0);
        _elsewhere.Start();
        _ = AcceptElsewhereAsync();
    }

    public async Task DisposeAsync()
    {
        _elsewhere.Stop();
        await _upstream.DisposeAsync();
    }

    private async Task AcceptElsewhereAsync()
    {
        try
        {
            while (true)
            {
                using var socket = await _elsewhere.AcceptSocketAsync();
                Interlocked.Increment(ref _elsewhereConnections);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private int ElsewherePort => ((IPEndPoint)_elsewhere.LocalEndpoint).Port;

    private string Config() => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{_upstream.V1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
          "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["mock"],"Default":true}],
          "MaxRequestBodyBytes":65536
        }}
        """;

    [Fact]
    public async Task SeededFuzz_OfChatBodies_AnswersEveryCaseWithoutServerErrors()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        var random = new Random(Seed);
        var failures = new List<string>();
        for (var i = 0; i < Cases; i++)
        {
            var body = HostileBodies.Next(random, i);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await proxy.Client.PostAsync("v1/chat/completions", content).WaitAsync(TimeSpan.FromSeconds(10));
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500 || (status >= 400 && !IsOpenAiError(text)))
            {
                failures.Add($"case {i}: {status} {text[..Math.Min(text.Length, 200)]} for {Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 120)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n--- proxy errors ---\n"
            + string.Join("\n", proxy.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).Take(3)));
        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.GetAsync("healthz")).StatusCode);
    }

    [Theory]
    [InlineData("GET http://127.0.0.1:{port}/v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")] // absolute-form target
    [InlineData("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Forwarded-Host: 127.0.0.1:{port}\r\n\r\n")] // Host spoofing
    [InlineData("GET /v1/../../127.0.0.1:{port}/v1/files HTTP/1.1\r\nHost: x\r\n\r\n")] // traversal
    [InlineData("GET /v1/%2e%2e/%2e%2e/127.0.0.1:{port}/files HTTP/1.1\r\nHost: x\r\n\r\n")] // encoded traversal
    [InlineData("GET //127.0.0.1:{port}/v1/files HTTP/1.1\r\nHost: x\r\n\r\n")] // scheme-relative path
    public async Task RequestTarget_NamingAnotherHost_NeverReachesIt(string rawRequest)
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        using var socket = new TcpClient();
        await socket.ConnectAsync(proxy.BaseUrl.Host, proxy.BaseUrl.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(rawRequest.Replace("{port}", ElsewherePort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var head = Encoding.ASCII.GetString(buffer, 0, read);
        await Task.Delay(200);

        Assert.StartsWith("HTTP/1.1 ", head, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/1.1 5", head[..12], StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref _elsewhereConnections));
    }

    private static bool IsOpenAiError(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
