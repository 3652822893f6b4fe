using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>Upstream and client faults: each gets a correct answer or an OpenAI-style error in time, and the proxy then serves normally.</summary>
public sealed class UpstreamFaultTests(ITestOutputHelper output)
{
    private static void AssertOpenAIError(string body, string code)
    {
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task UpstreamSlowPastTheDeadline_ClientGets504UpstreamTimeoutInTime_ThenServesNormally()
    {
        var calls = 0;
        var mock = new MockUpstreamOptions { Behavior = _ => Interlocked.Increment(ref calls) <= 3 ? new MockBehavior { Delay = TimeSpan.FromSeconds(30) } : null };
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1, ""","Retry":{"MaxAttempts":3}""")
            .Replace("\"Keys\"", "\"Timeout\":\"1s\",\"Keys\"", StringComparison.Ordinal), mock);

        var stopwatch = Stopwatch.StartNew();
        using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat());
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(504, (int)response.StatusCode);
        AssertOpenAIError(body, "upstream_timeout");
        // Three attempts of 1 s each plus backoff: far below the mock's 30 s.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        await FaultClient.AssertServesNormallyAsync(env.Proxy);
    }

    [Fact]
    public async Task UpstreamResetsBeforeHeaders_IsRetried_AndAResetEveryTimeIsA502()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1, ""","Retry":{"MaxAttempts":2}"""),
            FaultClient.FailFirst(3, new MockBehavior { AbortAfterChunks = 0 }));

        using var failed = await env.Proxy.Client.SendAsync(FaultClient.Chat());
        var failedBody = await failed.Content.ReadAsStringAsync();
        using var retried = await env.Proxy.Client.SendAsync(FaultClient.Chat(stream: true));
        var retriedBody = await retried.Content.ReadAsStringAsync();

        Assert.Equal(502, (int)failed.StatusCode);
        AssertOpenAIError(failedBody, "upstream_error");
        Assert.Equal(200, (int)retried.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", retriedBody, StringComparison.Ordinal);
        await FaultClient.AssertServesNormallyAsync(env.Proxy);
    }

    [Fact]
    public async Task UpstreamSendsGarbageWith200_PassesThroughUnchanged_IsNeverCached()
    {
        var garbage = "<html>502 Bad Gateway</html>\u0000\u00ff not json"u8.ToArray();
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1).Replace("\"Mode\":\"off\"", "\"Mode\":\"always\"", StringComparison.Ordinal),
            FaultClient.FailFirst(2, new MockBehavior { Body = garbage, ContentType = "application/json" }));

        using var first = await env.Proxy.Client.SendAsync(FaultClient.Chat());
        var firstBody = await first.Content.ReadAsByteArrayAsync();
        using var second = await env.Proxy.Client.SendAsync(FaultClient.Chat());
        var secondBody = await second.Content.ReadAsByteArrayAsync();

        Assert.Equal((200, 200), ((int)first.StatusCode, (int)second.StatusCode));
        Assert.Equal(garbage, firstBody);
        Assert.Equal(garbage, secondBody);
        Assert.Equal(2, env.Upstream.RequestCount); // the garbage was not stored and replayed
        await FaultClient.AssertServesNormallyAsync(env.Proxy);
    }

    [Fact]
    public async Task UpstreamSendsHugeBody_ClientGetsAllOfIt()
    {
        var content = new string('x', 24 * 1024 * 1024);
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1).Replace("\"Mode\":\"off\"", "\"Mode\":\"always\"", StringComparison.Ordinal),
            FaultClient.FailFirst(1, new MockBehavior { Content = content }));

        using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat());
        await using var body = await response.Content.ReadAsStreamAsync();
        using var json = await JsonDocument.ParseAsync(body);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(content.Length, json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Length);
        await FaultClient.AssertServesNormallyAsync(env.Proxy);
    }

    [Fact]
    public async Task SlowlorisRequestBody_ConnectionIsAnsweredOrClosedInTime_OtherClientsAreServed()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1));
        using var socket = new TcpClient();
        await socket.ConnectAsync(env.Proxy.BaseUrl.Host, env.Proxy.BaseUrl.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":\"gpt-4o\","));

        // Meanwhile the proxy serves everybody else.
        await FaultClient.AssertServesNormallyAsync(env.Proxy);

        var stopwatch = Stopwatch.StartNew();
        var buffer = new byte[4096];
        var answer = new StringBuilder();
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60))) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (IOException)
        {
            // A reset also ends the slow request.
        }

        output.WriteLine($"stalled request ended after {stopwatch.Elapsed.TotalSeconds:F1} s: {answer.ToString().Split('\n')[0]}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(40), $"the stalled request was held {stopwatch.Elapsed}");
        Assert.DoesNotContain(" 500 ", answer.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, env.Upstream.RequestCount); // only the normal request went upstream
        await FaultClient.AssertServesNormallyAsync(env.Proxy);
    }
}
