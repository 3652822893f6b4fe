using System.Diagnostics;
using System.Net;
using System.Text;
using AiProxy.Admission;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>Overload shedding and the SIGTERM drain, against a real Kestrel and the mock upstream.</summary>
public sealed class AdmissionTests : IAsyncLifetime
{
    private MockUpstreamServer _upstream = null!;

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

    [Fact]
    public async Task TenTimesTheCap_CapSucceedsRestGetFast503_ThenServesNormally()
    {
        await using var proxy = await ProxyServer.StartAsync(Config(""","Overload":{"MaxConcurrent":5,"QueueLimit":0}"""));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 100 }) { BaseAddress = proxy.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Chat())).StatusCode); // connections and JIT warm

        var calls = Enumerable.Range(0, 50).Select(async _ =>
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await client.SendAsync(Chat(delayMs: 1500));
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, Elapsed: stopwatch.Elapsed, Body: body, RetryAfter: response.Headers.RetryAfter?.ToString());
        }).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        var after = await client.SendAsync(Chat());

        var refused = results.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.Equal(5, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(45, refused.Length);
        Assert.All(refused, r => Assert.Contains("\"code\":\"server_overloaded\"", r.Body, StringComparison.Ordinal));
        Assert.All(refused, r => Assert.Equal("1", r.RetryAfter));
        // Refusals never wait for the slow ones (1.5 s): they answer at once (generous bound for a shared CI machine).
        Assert.All(refused, r => Assert.True(r.Elapsed < TimeSpan.FromMilliseconds(750), $"a refusal took {r.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
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
