using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.Testing;

namespace AiProxy.FunctionalTests.Metrics;

/// <summary>Scripted traffic through a real proxy, then exact values from a real <c>/metrics</c> scrape.</summary>
public sealed partial class MetricsScrapeTests
{
    private static string Config(Uri v1) => $$$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{{v1}}}}","Keys":["sk-metrics-upstream"],"Limits":{"RequestsPerMinute":100}}},
          "Routes":[{"Name":"chat","Models":["gpt-*"],"Providers":["mock"]}],
          "Prices":{"gpt-4o":{"InputPerMillion":1000,"OutputPerMillion":2000}}
        }}
        """;

    private static HttpRequestMessage Chat(string model, bool stream)
        => new(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($"{{\"model\":\"{model}\",\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"12345678\"}}]}}", Encoding.UTF8, "application/json"),
        };

    [Fact]
    public async Task Scrape_AfterTraffic_HasExactCountsTokensAndCost_AndPassesPromtool()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(Config);
        for (var i = 0; i < 3; i++)
        {
            using var response = await env.Proxy.Client.SendAsync(Chat("gpt-4o", stream: false));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var response = await env.Proxy.Client.SendAsync(Chat("gpt-4o", stream: true));
            await response.Content.ReadAsStringAsync();
        }
        using (var unknown = await env.Proxy.Client.SendAsync(Chat("claude-x", stream: false)))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var samples = await ScrapeUntil(env.Proxy, s => Value(s, "aiproxy_requests_total", ("status_code", "404")) == 1
            && Value(s, "aiproxy_requests_total", ("status_code", "200")) == 5);

        Assert.Equal(5, Value(samples, "aiproxy_requests_total", ("route", "chat"), ("provider", "mock"), ("model", "gpt-4o"), ("client", "anonymous"), ("status_code", "200"), ("cache", "bypass")));
        Assert.Equal(1, Value(samples, "aiproxy_requests_total", ("model", "other"), ("status_code", "404")));
        // The mock's usage per call: ceil(8 chars / 4) = 2 prompt tokens, 5 completion tokens; streams included.
        Assert.Equal(10, Value(samples, "aiproxy_tokens_total", ("client", "anonymous"), ("model", "gpt-4o"), ("kind", "prompt")));
        Assert.Equal(25, Value(samples, "aiproxy_tokens_total", ("client", "anonymous"), ("model", "gpt-4o"), ("kind", "completion")));
        Assert.Equal((10 * 1000.0 + 25 * 2000.0) / 1_000_000, Value(samples, "aiproxy_cost_usd_total", ("client", "anonymous"), ("model", "gpt-4o")), 9);
        Assert.Equal(2, Value(samples, "aiproxy_request_duration_seconds_count", ("stream", "true")));
        Assert.Equal(3, Value(samples, "aiproxy_request_duration_seconds_count", ("stream", "false"), ("model", "gpt-4o")));
        Assert.Equal(5, Value(samples, "aiproxy_time_to_first_byte_seconds_count", ("model", "gpt-4o")));
        Assert.Equal(5, Value(samples, "aiproxy_upstream_attempts_total", ("provider", "mock"), ("outcome", "ok")));
        Assert.Equal(1, Value(samples, "aiproxy_key_state", ("provider", "mock"), ("state", "available")));
        Assert.Equal(100, Value(samples, "aiproxy_provider_requests_quota", ("provider", "mock")));
        Assert.Equal(5, Value(samples, "aiproxy_provider_requests_usage", ("provider", "mock")));
        Assert.Equal(0, Value(samples, "aiproxy_streams_in_flight"));
        Assert.DoesNotContain("sk-metrics-upstream", samples.Text, StringComparison.Ordinal);

        var (exit, output) = Promtool.Run(samples.Text, "check", "metrics");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Scrape_OpenMetricsNegotiated_CountersKeepTotalSuffix()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(Config);
        using (var response = await env.Proxy.Client.SendAsync(Chat("gpt-4o", stream: false)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Prometheus servers ask for OpenMetrics first: the family is named without _total, its samples with it.
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        using var scrape = await env.Proxy.Client.SendAsync(request);
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.StartsWith("application/openmetrics-text", scrape.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("# TYPE aiproxy_requests counter\n", text, StringComparison.Ordinal);
        Assert.Contains("aiproxy_requests_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_total_total", text, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
    }

    private sealed record Scrape(string Text, List<(string Name, Dictionary<string, string> Labels, double Value)> Samples);

    private static async Task<Scrape> ScrapeUntil(ProxyServer proxy, Func<Scrape, bool> ready)
    {
        Scrape scrape = null!;
        for (var i = 0; i < 50; i++)
        {
            var text = await proxy.Client.GetStringAsync("metrics");
            scrape = Parse(text);
            if (ready(scrape))
            {
                break;
            }
            await Task.Delay(100);
        }
        return scrape;
    }

    /// <summary>Sums the samples of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Value(Scrape scrape, string name, params (string Key, string Value)[] labels)
    {
        double sum = 0;
        foreach (var (n, l, v) in scrape.Samples)
        {
            if (n == name && labels.All(x => l.TryGetValue(x.Key, out var actual) && actual == x.Value))
            {
                sum += v;
            }
        }
        return sum;
    }

    private static Scrape Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var m = SampleLine().Match(line);
            if (!m.Success)
            {
                continue;
            }
            var labels = new Dictionary<string, string>();
            foreach (Match l in LabelPair().Matches(m.Groups["labels"].Value))
            {
                labels[l.Groups[1].Value] = l.Groups[2].Value;
            }
            samples.Add((m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        return new Scrape(text, samples);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
