using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.FunctionalTests.Budgets;

/// <summary>Daily budgets across replicas sharing a real redis-server, on a fake clock: exact refusal, midnight rollover, restarts.</summary>
public sealed class BudgetTests
{
    private const string Key = "sk-client-budget-0001";

    // 1 prompt token ("hi") + 4 completion tokens (4 mock chunks) at $500 per million tokens: exactly $0.0025 a request.
    private const decimal CostPerRequest = 0.0025m;

    private static string Config(Uri v1, string redis, string budget = """{"UsdPerDay":0.01,"ResetTimeZone":"Europe/Paris"}""") => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["sk-upstream"]}},
          "Routes":[{"Models":["gpt-*"],"Providers":["mock"]}],
          "Clients":{"team-a":{"Keys":["{{{Key}}}"],"Budget":{{{budget}}}}},
          "Prices":{"gpt-4o-mini":{"InputPerMillion":500,"OutputPerMillion":500}},
          "Cache":{"Mode":"off"},
          "Redis":{"Configuration":"{{{redis}}}","ExpectedReplicas":3}
        }}
        """;

    private static HttpRequestMessage Chat(bool stream)
    {
        var body = stream
            ? """{"model":"gpt-4o-mini","max_tokens":4,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""
            : """{"model":"gpt-4o-mini","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", Key);
        request.Headers.Add(MockHeaders.Chunks, "4");
        return request;
    }

    private static async Task<ProxyServer> StartProxyAsync(string config, FakeTimeProvider clock)
    {
        var proxy = await ProxyServer.StartAsync(config, b => b.Services.AddSingleton<TimeProvider>(clock));
        for (var i = 0; i < 200 && (await proxy.Client.GetAsync("readyz")).StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
        }
        return proxy;
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    [Fact]
    public async Task DailyUsdBudget_ThreeReplicasWithStreams_RefusedExactlyAtTheBudget_RollsOverAtZoneMidnight_SurvivesRestart()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        // Noon UTC on Nov 30 = 13:00 in Paris; the Paris day ends at 23:00 UTC.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var config = Config(upstream.V1, redis.Configuration);
        var proxies = new List<ProxyServer>();
        try
        {
            for (var i = 0; i < 3; i++) proxies.Add(await StartProxyAsync(config, clock));

            // Four requests, two of them streams, spend exactly $0.01 and each is admitted; the fifth, on any replica, is refused.
            var spent = 0m;
            var remaining = new List<string?>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await proxies[i % 3].Client.SendAsync(Chat(stream: i % 2 == 1));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var text = await response.Content.ReadAsStringAsync();
                Assert.Contains(i % 2 == 1 ? "[DONE]" : "\"usage\"", text, StringComparison.Ordinal);
                spent += CostPerRequest;
                remaining.Add(Header(response, "x-aiproxy-budget-remaining-usd"));
                Assert.Equal("2026-11-30T23:00:00Z", Header(response, "x-aiproxy-budget-reset"));
            }
            Assert.Equal(0.01m, spent);
            Assert.Equal(["0.007500", "0.005000", "0.002500", "0.000000"], remaining);

            var refusals = new List<HttpResponseMessage>();
            for (var i = 0; i < 3; i++) refusals.Add(await proxies[i].Client.SendAsync(Chat(stream: i == 1)));
            Assert.All(refusals, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
            using (var error = JsonDocument.Parse(await refusals[0].Content.ReadAsStringAsync()))
            {
                var e = error.RootElement.GetProperty("error");
                Assert.Equal("insufficient_quota", e.GetProperty("type").GetString());
                Assert.Equal("insufficient_quota", e.GetProperty("code").GetString());
                Assert.Contains("daily USD budget", e.GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.Contains("2026-12-01T00:00:00+01:00 (Europe/Paris)", e.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
            Assert.Equal(((long)TimeSpan.FromHours(11).TotalSeconds).ToString(CultureInfo.InvariantCulture), Header(refusals[0], "retry-after"));
            Assert.Equal("0.000000", Header(refusals[0], "x-aiproxy-budget-remaining-usd"));

            // A restarted replica still knows today's spend.
            await proxies[0].DisposeAsync();
            proxies[0] = await StartProxyAsync(config, clock);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await proxies[0].Client.SendAsync(Chat(stream: false))).StatusCode);

            // One second before midnight in Paris: still refused. At midnight: the budget is back.
            clock.Advance(TimeSpan.FromHours(11) - TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.TooManyRequests, (await proxies[1].Client.SendAsync(Chat(stream: false))).StatusCode);
            clock.Advance(TimeSpan.FromSeconds(1));
            using var next = await proxies[2].Client.SendAsync(Chat(stream: true));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            Assert.Equal("0.007500", Header(next, "x-aiproxy-budget-remaining-usd"));
            Assert.Equal("2026-12-01T23:00:00Z", Header(next, "x-aiproxy-budget-reset"));
        }
        finally
        {
            foreach (var p in proxies) await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task DailyUsdBudget_ConcurrentAcrossThreeReplicas_OvershootsByAtMostOneRequest()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var config = Config(upstream.V1, redis.Configuration, """{"UsdPerDay":0.1}""");
        var proxies = new List<ProxyServer>();
        try
        {
            for (var i = 0; i < 3; i++) proxies.Add(await StartProxyAsync(config, clock));
            var allowed = 0;
            var refused = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, 90), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
            {
                using var response = await proxies[i % 3].Client.SendAsync(Chat(stream: i % 2 == 0), ct);
                _ = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref allowed);
                else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref refused);
            });

            // $0.10 / $0.0025 = 40 requests; estimates equal the real cost here, so the shared reservations admit exactly 40.
            Assert.Equal(40, allowed);
            Assert.Equal(50, refused);
        }
        finally
        {
            foreach (var p in proxies) await p.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EstimateAboveTheBudget_SettlesToTheRealUsage_SoTheNextRequestIsAdmitted(bool stream)
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await using var proxy = await StartProxyAsync(Config(upstream.V1, redis.Configuration), clock);
        var statuses = new List<HttpStatusCode>();
        var remaining = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            // No max_tokens: the estimate reserves 256 completion tokens ($0.1285, past the $0.01 budget); the real cost is $0.0025.
            using var request = Chat(stream);
            request.Content = new StringContent(stream
                ? """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}"""
                : """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
            using var response = await proxy.Client.SendAsync(request);
            _ = await response.Content.ReadAsStringAsync();
            statuses.Add(response.StatusCode);
            remaining.Add(Header(response, "x-aiproxy-budget-remaining-usd"));
        }

        // Each answer's header shows the open reservation; the settled spend ($0.0025 each) lets the next one in.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(["0.000000", "0.000000", "0.000000"], remaining);
    }

    [Fact]
    public async Task WithoutRedis_BudgetsAreLocal_WarnedAtStartUp_AndStillEnforced()
    {
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var config = Config(upstream.V1, "unused").Replace(",\n  \"Redis\":{\"Configuration\":\"unused\",\"ExpectedReplicas\":3}", "", StringComparison.Ordinal);
        Assert.DoesNotContain("Redis", config, StringComparison.Ordinal);
        await using var proxy = await StartProxyAsync(config, clock);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await proxy.Client.SendAsync(Chat(stream: i == 2))).StatusCode);
        var metrics = await proxy.Client.GetStringAsync("metrics");

        Assert.Contains("[2151] Budgets are kept in this process only", proxy.Logs.AllText, StringComparison.Ordinal);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("aiproxy_budget_local 1", metrics, StringComparison.Ordinal);
        Assert.Contains("aiproxy_budget_refusals_total{client=\"team-a\",reason=\"budget\"} 1", metrics, StringComparison.Ordinal);
    }
}
