using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.FunctionalTests.Budgets;

/// <summary>
/// The <c>x-aiproxy-budget-*</c> headers on every answer of a budgeted client (cache hits, streams, upstream errors, 403,
/// per-minute 429, priority shed), and budget gauges that follow the settled spend.
/// </summary>
public sealed class BudgetHeaderTests
{
    private const string Key = "sk-client-budget-hdr-0001";
    private const string RemainingUsd = "x-aiproxy-budget-remaining-usd";
    private const string RemainingTokens = "x-aiproxy-budget-remaining-tokens";
    private const string Reset = "x-aiproxy-budget-reset";

    // The mock answers "hi" with 4 chunks: 1 prompt + 4 completion tokens. Without max_tokens the estimate reserves 257.
    private const long TokensPerAnswer = 5;

    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static HttpRequestMessage Chat(string model = "gpt-4o-mini", bool stream = false, bool cacheable = false, int? mockStatus = null)
    {
        var body = $$"""{"model":"{{model}}","temperature":{{(cacheable ? 0 : 1)}},"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", Key);
        request.Headers.Add(MockHeaders.Chunks, "4");
        if (mockStatus is { } status) request.Headers.Add(MockHeaders.Status, status.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    private static async Task<ProxyServer> StartProxyAsync(string config, FakeTimeProvider clock)
    {
        var proxy = await ProxyServer.StartAsync(config, b => b.Services.AddSingleton<TimeProvider>(clock));
        for (var i = 0; i < 200 && (await proxy.Client.GetAsync("readyz")).StatusCode != HttpStatusCode.OK; i++) await Task.Delay(50);
        return proxy;
    }

    /// <summary>Waits (bounded) until the client's daily token gauge shows <paramref name="expected"/>: settling runs after the answer is sent.</summary>
    private static async Task<double> SettledTokensAsync(ProxyServer proxy, string client, double expected)
    {
        var pattern = new Regex("^aiproxy_budget_used\\{client=\"" + client + "\",unit=\"tokens\",window=\"day\"\\} (\\S+)$", RegexOptions.Multiline);
        var value = double.NaN;
        for (var i = 0; i < 200; i++)
        {
            var match = pattern.Match(await proxy.Client.GetStringAsync("metrics"));
            value = match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
            if (value == expected) break;
            await Task.Delay(50);
        }
        return value;
    }

    private static void AssertBudgetHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, RemainingUsd) is not null, $"{what}: no {RemainingUsd}");
        Assert.True(Header(response, RemainingTokens) is not null, $"{what}: no {RemainingTokens}");
        Assert.True(Header(response, Reset) == "2026-12-01T00:00:00Z", $"{what}: {Reset} = {Header(response, Reset)}");
    }

    [Fact]
    public async Task BudgetedClient_EveryAnswerCarriesTheBudgetHeaders_AndThePerMinute429ShowsTheSettledSpend()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        var clock = new FakeTimeProvider(Noon);
        await using var proxy = await StartProxyAsync($$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{upstream.V1}}}","Keys":["sk-upstream"]}},
              "Routes":[{"Models":["gpt-*"],"Providers":["mock"]},{"Models":["o*"],"Providers":["mock"]}],
              "Clients":{"team-a":{"Keys":["{{{Key}}}"],"AllowedModels":["gpt-*"],"RateLimit":{"RequestsPerMinute":6},
                "Budget":{"TokensPerDay":100000,"UsdPerDay":1}
              }},
              "Prices":{"gpt-4o-mini":{"InputPerMillion":500,"OutputPerMillion":500}},
              "Redis":{"Configuration":"{{{redis.Configuration}}}"}
            }}
            """, clock);

        var answers = new List<(string What, HttpResponseMessage Response)>();
        async Task SendAsync(string what, HttpRequestMessage request, HttpStatusCode expected)
        {
            var response = await proxy.Client.SendAsync(request);
            _ = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{what}: {response.StatusCode}");
            answers.Add((what, response));
        }

        await SendAsync("miss", Chat(cacheable: true), HttpStatusCode.OK);
        await SendAsync("cache hit", Chat(cacheable: true), HttpStatusCode.OK);
        await SendAsync("stream", Chat(stream: true), HttpStatusCode.OK);
        await SendAsync("upstream 400", Chat(mockStatus: 400), HttpStatusCode.BadRequest);
        await SendAsync("model not allowed", Chat(model: "o1-mini"), HttpStatusCode.Forbidden);
        await SendAsync("fifth of six", Chat(), HttpStatusCode.OK);
        await SendAsync("sixth of six", Chat(), HttpStatusCode.OK);

        // Four answers came from upstream (the hit and the 400 cost nothing): the gauge follows the settled 5 tokens each,
        // not the 257-token reservations.
        var settled = await SettledTokensAsync(proxy, "team-a", 4 * TokensPerAnswer);
        await SendAsync("per-minute 429", Chat(), HttpStatusCode.TooManyRequests);

        Assert.Equal("hit", Header(answers[1].Response, "x-aiproxy-cache"));
        Assert.All(answers, a => AssertBudgetHeaders(a.Response, a.What));
        Assert.Equal(4 * TokensPerAnswer, settled);
        var limited = answers[^1].Response;
        using (var error = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()))
        {
            Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        Assert.NotNull(Header(limited, "retry-after"));
        // The 429 reserved nothing and read nothing new: it shows the settled spend, 20 tokens = $0.01 at $500 per million.
        Assert.Equal((100000 - (4 * TokensPerAnswer)).ToString(CultureInfo.InvariantCulture), Header(limited, RemainingTokens));
        Assert.Equal("0.990000", Header(limited, RemainingUsd));
        foreach (var (_, response) in answers) response.Dispose();
    }

    [Fact]
    public async Task PriorityShed429_OfABudgetedClient_CarriesTheBudgetHeaders()
    {
        var clock = new FakeTimeProvider(Noon);
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        await using var proxy = await StartProxyAsync($$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{upstream.V1}}}","Keys":["sk-upstream-shared"],
                "Limits":{"RequestsPerMinute":20},"CriticalReserve":0.5}},
              "Routes":[{"Models":["gpt-*"],"Providers":["mock"]}],
              "Cache":{"Mode":"off"},
              "Clients":{"batch":{"Keys":["{{{Key}}}"],"Priority":"low","Budget":{"TokensPerDay":100000}
              }}
            }}
            """, clock);

        var statuses = new List<HttpStatusCode>();
        var shed = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            var response = await proxy.Client.SendAsync(Chat());
            _ = await response.Content.ReadAsStringAsync();
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) shed.Add(response);
            else response.Dispose();
        }
        var settled = await SettledTokensAsync(proxy, "batch", 5 * TokensPerAnswer);
        using var last = await proxy.Client.SendAsync(Chat());

        // Low yields once the key is down to 75% headroom (see PriorityTests): five of the 20 served, then shed.
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, shed.Count);
        Assert.Equal(5 * TokensPerAnswer, settled);
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.Contains("priority low", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(Header(last, "retry-after"));
        Assert.All(shed, r => Assert.NotNull(Header(r, RemainingTokens)));
        Assert.All(shed, r => Assert.Equal("2026-12-01T00:00:00Z", Header(r, Reset)));
        Assert.Equal((100000 - (5 * TokensPerAnswer)).ToString(CultureInfo.InvariantCulture), Header(last, RemainingTokens));
        Assert.Null(Header(last, RemainingUsd));
        foreach (var r in shed) r.Dispose();
    }
}
