using AiProxy.Testing;
using Xunit.Abstractions;
using AiProxy.Metrics.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Tests.Metrics;

public sealed class PrometheusEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MapAiProxyMetrics_RealKestrel_ServesTextFormatThatPromtoolAccepts()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAiProxyPrometheus();
        await using var app = builder.Build();
        app.MapAiProxyMetrics();
        await app.StartAsync();
        FullScrape.RecordEverything(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), includePending: true);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        using var response = await http.GetAsync(address + "/metrics");
        var body = await response.Content.ReadAsStringAsync();

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("aiproxy_requests_total{cache=\"miss\",client=\"team-a\",model=\"gpt-4o\",provider=\"openai\",route=\"chat\",status_code=\"200\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("aiproxy_request_duration_seconds_bucket{model=\"gpt-4o\",provider=\"openai\",route=\"chat\",stream=\"true\",le=\"2.5\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("aiproxy_ratelimit_requests_usage{client=\"team-a\"} 15\n", body, StringComparison.Ordinal);

        var (exitCode, promtool) = Promtool.Run(body, "check", "metrics");
        output.WriteLine(body);
        output.WriteLine($"promtool check metrics: exit {exitCode}, output: '{promtool.Trim()}'");
        Assert.True(exitCode == 0, "promtool check metrics failed:\n" + promtool + "\n--- scrape ---\n" + body);
        Assert.Equal("", promtool.Trim());
        await app.StopAsync();
    }

    [Fact]
    public void Scrape_EdgeCases_PromtoolAcceptsWithoutLintProblems()
    {
        using var h = new ExporterHarness(maxSeries: 1);
        var weird = h.Meter.CreateCounter<double>("aiproxy.weird.values", "{x}", "Odd \\ values\nacross lines.");
        weird.Add(1e-9, new KeyValuePair<string, object?>("model", "q\"uo\\te\nnl"));
        weird.Add(1e21, new KeyValuePair<string, object?>("model", "second-overflows"));
        h.Meter.CreateObservableGauge("aiproxy.edge.nan", () => double.NaN, "{x}", "NaN gauge.");
        h.Meter.CreateObservableGauge("aiproxy.edge.inf", () => double.PositiveInfinity, "{x}", "Inf gauge.");

        var text = h.Scrape();
        var (exitCode, output) = Promtool.Run(text, "check", "metrics");

        Assert.True(exitCode == 0, output + "\n--- scrape ---\n" + text);
        Assert.Equal("", output.Trim());
    }
}
