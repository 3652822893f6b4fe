using System.Diagnostics;
using System.Net;
using System.Text;
using AiProxy.Admission;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>Overload shedding and the SIGTERM drain, against a real Kestrel and the mock upstream.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private MockUpstreamServer _upstream = null!;

    public AdmissionTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync() => _upstream = await MockUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private string Config(string extra) => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{_upstream.V1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
          "Routes":[{"Models":["*"],"Providers":["mock"]}],
          "Cache":{"Mode":"off"}{{{extra}}}
        }}
        """;

    private static HttpRequestMessage Chat(int delayMs = 0, bool stream = false, int chunkDelayMs = 0)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        if (delayMs > 0) request.Headers.Add("x-mock-delay-ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (chunkDelayMs > 0) request.Headers.Add("x-mock-chunk-delay-ms", chunkDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    /// <remarks>
    /// The bar is "the rest get a 503 within 100 ms". What the proxy controls is the time from a request's arrival
    /// to its 503's headers, so that is what is held to 100 ms, every refusal: <see cref="ServerTiming"/> (a test-only
    /// middleware in front of the whole pipeline) measures it inside the proxy. Client-side wall time on a shared 2-core
    /// machine also holds connection setup, the client's own scheduling of 50 tasks and the mock upstream on the same
    /// cores, so the client side is measured on connections opened beforehand (one client per connection, warmed
    /// with a request) from send to response headers: its median and p90 must be under 100 ms too, and its maximum under a
    /// generous 750 ms so that one scheduling hiccup does not fail the build.
    /// </remarks>
    [Fact]
    public async Task TenTimesTheCap_CapSucceedsRestGetFast503_ThenServesNormally()
    {
        var timing = new ServerTiming();
        await using var proxy = await ProxyServer.StartAsync(Config(""","Overload":{"MaxConcurrent":5,"QueueLimit":0}"""), timing.Install);
        var clients = Enumerable.Range(0, 50).Select(_ => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        }) { BaseAddress = proxy.BaseUrl }).ToArray();
        try
        {
            // One open connection per client, and both sides' code paths (the 503 included) JIT-compiled: a short round
            // of the same burst first. Without it the first refusal's JIT (~50 ms) stalls every request behind it.
            foreach (var client in clients)
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
            }
            await Task.WhenAll(clients.Select(client => BurstAsync(client, delayMs: 200))).WaitAsync(TimeSpan.FromSeconds(30));
            timing.Clear();

            var results = await Task.WhenAll(clients.Select(client => BurstAsync(client, delayMs: 1500))).WaitAsync(TimeSpan.FromSeconds(30));
            var after = await clients[0].SendAsync(Chat());

            var refused = results.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
            Assert.Equal(5, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(45, refused.Length);
            Assert.All(refused, r => Assert.Contains("\"code\":\"server_overloaded\"", r.Body, StringComparison.Ordinal));
            Assert.All(refused, r => Assert.Equal("1", r.RetryAfter));

            var server = timing.Refusals();
            Assert.Equal(45, server.Length);
            Assert.All(server, t => Assert.True(t < TimeSpan.FromMilliseconds(100), $"the proxy took {t.TotalMilliseconds:F1} ms to refuse"));
            var seen = refused.Select(r => r.ToHeaders).Order().ToArray();
            var (median, p90) = (seen[seen.Length / 2], seen[(int)(seen.Length * 0.9)]);
            var figures = $"refusals: server max {server.Max().TotalMilliseconds:F1} ms; client median {median.TotalMilliseconds:F1} ms, "
                + $"p90 {p90.TotalMilliseconds:F1} ms, max {seen[^1].TotalMilliseconds:F1} ms";
            _output.WriteLine(figures);
            Assert.True(median < TimeSpan.FromMilliseconds(100) && p90 < TimeSpan.FromMilliseconds(100), figures);
            Assert.True(seen[^1] < TimeSpan.FromMilliseconds(750), $"a refusal took {seen[^1].TotalMilliseconds:F0} ms");
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<(HttpStatusCode StatusCode, TimeSpan ToHeaders, string Body, string? RetryAfter)> BurstAsync(HttpClient client, int delayMs)
    {
        using var request = Chat(delayMs);
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var headers = stopwatch.Elapsed;
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, headers, body, response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task QueuedPastTheTimeout_Gets503_QueuedWithinIt_IsServed()
    {
        await using var proxy = await ProxyServer.StartAsync(Config(""","Overload":{"MaxConcurrent":1,"QueueLimit":2,"QueueTimeout":"300ms"}"""));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10 }) { BaseAddress = proxy.BaseUrl };

        var slow = client.SendAsync(Chat(delayMs: 1500));
        await Task.Delay(200);
        var timedOut = await client.SendAsync(Chat());
        var served = await slow;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);
        Assert.Contains("server_overloaded", await timedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Chat())).StatusCode);
    }

    [Fact]
    public async Task HealthAndMetrics_AreNeverQueued()
    {
        await using var proxy = await ProxyServer.StartAsync(Config(""","Overload":{"MaxConcurrent":1,"QueueLimit":0}"""));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10 }) { BaseAddress = proxy.BaseUrl };
        var slow = client.SendAsync(Chat(delayMs: 1000));
        await Task.Delay(200);

        var health = await client.GetAsync("healthz");
        var ready = await client.GetAsync("readyz");
        var metrics = await client.GetStringAsync("metrics");
        await slow;

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (health.StatusCode, ready.StatusCode));
        Assert.Contains("aiproxy_requests_in_flight", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_WithAStreamInFlight_StreamFinishesWithDoneAndReadinessDrops()
    {
        await using var proxy = await ProxyServer.StartAsync(Config(""","DrainTimeout":"10s" """));
        using var response = await proxy.Client.SendAsync(Chat(stream: true, chunkDelayMs: 200), HttpCompletionOption.ResponseHeadersRead);
        var reading = response.Content.ReadAsStringAsync();
        await Task.Delay(150);

        var stopwatch = Stopwatch.StartNew();
        var stopping = proxy.StopAsync();
        var drain = proxy.Services.GetRequiredService<DrainState>();
        var body = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(drain.IsDraining);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopwatch.Elapsed}");
    }
}
