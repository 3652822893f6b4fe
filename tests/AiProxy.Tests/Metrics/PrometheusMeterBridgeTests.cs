using System.Diagnostics.Metrics;
using AiProxy.Metrics.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Tests.Metrics;

public sealed class PrometheusMeterBridgeTests
{
    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    [Fact]
    public void Scrape_CounterWithLabels_RendersTotalsSortedByLabels()
    {
        using var h = new ExporterHarness();
        var counter = h.Meter.CreateCounter<long>("aiproxy.requests", "{request}", "Requests answered.");
        counter.Add(2, Tag("status_code", "200"), Tag("model", "gpt-4o"));
        counter.Add(1, Tag("model", "gpt-4o"), Tag("status_code", "200"));
        counter.Add(1, Tag("model", "a-model"), Tag("status_code", "429"));
        counter.Add(-5, Tag("model", "a-model"), Tag("status_code", "429"));

        AssertLines(
            """
            # HELP aiproxy_requests_total Requests answered.
            # TYPE aiproxy_requests_total counter
            aiproxy_requests_total{model="a-model",status_code="429"} 1
            aiproxy_requests_total{model="gpt-4o",status_code="200"} 3

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Record_MoreSeriesThanRemembered_EachMeasurementLandsInItsOwnSeries()
    {
        // Six series in turn (more than the instrument remembers by reference), with the same label text arriving as
        // the same string object and as fresh copies: every measurement must reach its own series exactly once.
        using var h = new ExporterHarness();
        var counter = h.Meter.CreateCounter<long>("aiproxy.tokens", "{token}", "Tokens.");
        string[] kinds = ["a", "b", "c", "d", "e", "f"];
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < kinds.Length; i++)
            {
                var kind = round % 2 == 0 ? kinds[i] : new string(kinds[i].AsSpan());
                counter.Add(i + 1, Tag("client", "team-a"), Tag("kind", kind));
            }
        }

        AssertLines(
            """
            # HELP aiproxy_tokens_total Tokens.
            # TYPE aiproxy_tokens_total counter
            aiproxy_tokens_total{client="team-a",kind="a"} 10
            aiproxy_tokens_total{client="team-a",kind="b"} 20
            aiproxy_tokens_total{client="team-a",kind="c"} 30
            aiproxy_tokens_total{client="team-a",kind="d"} 40
            aiproxy_tokens_total{client="team-a",kind="e"} 50
            aiproxy_tokens_total{client="team-a",kind="f"} 60

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_DoubleCounterAndUnlabeledCounter_RenderUnitSuffixAndValues()
    {
        using var h = new ExporterHarness();
        var cost = h.Meter.CreateCounter<double>("aiproxy.cost", "USD", "Estimated cost.");
        var fallbacks = h.Meter.CreateCounter<long>("aiproxy.ratelimit.fallbacks", "{request}", "Fallback decisions.");
        cost.Add(0.25, Tag("client", "team-a"));
        cost.Add(0.5, Tag("client", "team-a"));
        fallbacks.Add(1);
        fallbacks.Add(1);

        AssertLines(
            """
            # HELP aiproxy_cost_usd_total Estimated cost.
            # TYPE aiproxy_cost_usd_total counter
            aiproxy_cost_usd_total{client="team-a"} 0.75
            # HELP aiproxy_ratelimit_fallbacks_total Fallback decisions.
            # TYPE aiproxy_ratelimit_fallbacks_total counter
            aiproxy_ratelimit_fallbacks_total 2

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_Histogram_RendersCumulativeBucketsSumCountAndInf()
    {
        using var h = new ExporterHarness();
        var duration = h.Meter.CreateHistogram<double>("aiproxy.request.duration", "s", "Request duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1] });
        duration.Record(0.05, Tag("route", "r1"));
        duration.Record(0.1, Tag("route", "r1"));   // le is inclusive
        duration.Record(0.7, Tag("route", "r1"));
        duration.Record(3, Tag("route", "r1"));
        duration.Record(double.NaN, Tag("route", "r1"));

        AssertLines(
            """
            # HELP aiproxy_request_duration_seconds Request duration.
            # TYPE aiproxy_request_duration_seconds histogram
            aiproxy_request_duration_seconds_bucket{route="r1",le="0.1"} 2
            aiproxy_request_duration_seconds_bucket{route="r1",le="0.5"} 2
            aiproxy_request_duration_seconds_bucket{route="r1",le="1"} 3
            aiproxy_request_duration_seconds_bucket{route="r1",le="+Inf"} 4
            aiproxy_request_duration_seconds_sum{route="r1"} 3.85
            aiproxy_request_duration_seconds_count{route="r1"} 4

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_HistogramWithoutAdvice_UsesDefaultSecondsBuckets()
    {
        using var h = new ExporterHarness();
        h.Meter.CreateHistogram<double>("aiproxy.wait", "s", "Wait.").Record(0.2);

        var lines = h.Scrape().Split('\n');
        var buckets = lines.Where(l => l.StartsWith("aiproxy_wait_seconds_bucket", StringComparison.Ordinal)).ToArray();
        Assert.Equal(12, buckets.Length); // the 11 Prometheus client default bounds and +Inf
        Assert.Contains("aiproxy_wait_seconds_bucket{le=\"0.1\"} 0", lines);
        Assert.Contains("aiproxy_wait_seconds_bucket{le=\"0.25\"} 1", lines);
        Assert.Contains("aiproxy_wait_seconds_bucket{le=\"+Inf\"} 1", lines);
    }

    [Fact]
    public void Scrape_LongHistogramAdvice_IsHonoured()
    {
        using var h = new ExporterHarness();
        var size = h.Meter.CreateHistogram<long>("aiproxy.body.size", "By", "Body size.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [100, 1000] });
        size.Record(100);
        size.Record(5000);

        AssertLines(
            """
            # HELP aiproxy_body_size_bytes Body size.
            # TYPE aiproxy_body_size_bytes histogram
            aiproxy_body_size_bytes_bucket{le="100"} 1
            aiproxy_body_size_bytes_bucket{le="1000"} 1
            aiproxy_body_size_bytes_bucket{le="+Inf"} 2
            aiproxy_body_size_bytes_sum 5100
            aiproxy_body_size_bytes_count 2

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_UpDownCounter_RendersGauge()
    {
        using var h = new ExporterHarness();
        var inFlight = h.Meter.CreateUpDownCounter<long>("aiproxy.requests.in_flight", "{request}", "Requests in flight.");
        inFlight.Add(1);
        inFlight.Add(1);
        inFlight.Add(1);
        inFlight.Add(-1);

        AssertLines(
            """
            # HELP aiproxy_requests_in_flight Requests in flight.
            # TYPE aiproxy_requests_in_flight gauge
            aiproxy_requests_in_flight 2

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_ObservableGauge_CollectedAtScrapeAndVanishedSeriesDropped()
    {
        using var h = new ExporterHarness();
        var clients = new List<(string Client, long Used)> { ("team-a", 10), ("team-b", 3) };
        h.Meter.CreateObservableGauge("aiproxy.ratelimit.requests.usage",
            () => clients.Select(c => new Measurement<long>(c.Used, Tag("client", c.Client))).ToArray(), "{request}", "Usage.");

        AssertLines(
            """
            # HELP aiproxy_ratelimit_requests_usage Usage.
            # TYPE aiproxy_ratelimit_requests_usage gauge
            aiproxy_ratelimit_requests_usage{client="team-a"} 10
            aiproxy_ratelimit_requests_usage{client="team-b"} 3

            """.ReplaceLineEndings("\n"),
            h.Scrape());

        clients.RemoveAt(1);
        clients[0] = ("team-a", 11);
        AssertLines(
            """
            # HELP aiproxy_ratelimit_requests_usage Usage.
            # TYPE aiproxy_ratelimit_requests_usage gauge
            aiproxy_ratelimit_requests_usage{client="team-a"} 11

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_ObservableCounterAndDoubleGauge_RenderTypes()
    {
        using var h = new ExporterHarness();
        h.Meter.CreateObservableCounter("aiproxy.evictions", () => 7L, "{entry}", "Evictions.");
        h.Meter.CreateObservableGauge("aiproxy.load", () => 0.5, "1", "Load.");

        AssertLines(
            """
            # HELP aiproxy_evictions_total Evictions.
            # TYPE aiproxy_evictions_total counter
            aiproxy_evictions_total 7
            # HELP aiproxy_load Load.
            # TYPE aiproxy_load gauge
            aiproxy_load 0.5

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_SpecialCharacters_EscapedInLabelsAndHelp()
    {
        using var h = new ExporterHarness();
        var counter = h.Meter.CreateCounter<long>("aiproxy.weird", "{x}", "Back\\slash and\nnewline \"quoted\".");
        counter.Add(1, Tag("model", "a\\b\"c\nd"), Tag("http.route", "/v1"), Tag("stream", true), Tag("status", 200));

        AssertLines(
            """
            # HELP aiproxy_weird_total Back\\slash and\nnewline "quoted".
            # TYPE aiproxy_weird_total counter
            aiproxy_weird_total{http_route="/v1",model="a\\b\"c\nd",status="200",stream="true"} 1

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_MissingDescription_UsesInstrumentNameAsHelp()
    {
        using var h = new ExporterHarness();
        h.Meter.CreateCounter<long>("aiproxy.cache.l2.errors").Add(1);

        Assert.StartsWith("# HELP aiproxy_cache_l2_errors_total aiproxy.cache.l2.errors\n", h.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Record_BeyondSeriesCap_FoldsIntoOtherSeriesAndCountsOverflow()
    {
        using var h = new ExporterHarness(maxSeries: 2);
        var counter = h.Meter.CreateCounter<long>("aiproxy.requests", "{request}", "Requests.");
        counter.Add(1, Tag("model", "m1"), Tag("client", "c"));
        counter.Add(1, Tag("model", "m2"), Tag("client", "c"));
        counter.Add(1, Tag("model", "m3"), Tag("client", "c"));
        counter.Add(1, Tag("model", "m4"), Tag("client", "c"));
        counter.Add(5, Tag("model", "m1"), Tag("client", "c"));

        AssertLines(
            """
            # HELP aiproxy_requests_total Requests.
            # TYPE aiproxy_requests_total counter
            aiproxy_requests_total{client="c",model="m1"} 6
            aiproxy_requests_total{client="c",model="m2"} 1
            aiproxy_requests_total{client="other",model="other"} 2
            # HELP aiproxy_metrics_overflow_total Measurements folded into the all-"other" series because a metric reached its series limit.
            # TYPE aiproxy_metrics_overflow_total counter
            aiproxy_metrics_overflow_total{metric="aiproxy_requests_total"} 2

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Record_OverflowWithOtherLabelNames_FoldsIntoTheFirstLabelSet()
    {
        using var h = new ExporterHarness(maxSeries: 1);
        var counter = h.Meter.CreateCounter<long>("aiproxy.lookups", "{lookup}", "Lookups.");
        counter.Add(1, Tag("layer", "l1"));
        counter.Add(1, Tag("layer", "l2"));
        counter.Add(1, Tag("result", "hit"));
        counter.Add(1, Tag("layer", "semantic"));

        AssertLines(
            """
            # HELP aiproxy_lookups_total Lookups.
            # TYPE aiproxy_lookups_total counter
            aiproxy_lookups_total{layer="l1"} 1
            aiproxy_lookups_total{layer="other"} 3
            # HELP aiproxy_metrics_overflow_total Measurements folded into the all-"other" series because a metric reached its series limit.
            # TYPE aiproxy_metrics_overflow_total counter
            aiproxy_metrics_overflow_total{metric="aiproxy_lookups_total"} 3

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_OtherMeterNameOrOtherFactory_NotExported()
    {
        using var h = new ExporterHarness();
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var otherFactoryMeter = otherServices.GetRequiredService<IMeterFactory>().Create("AiProxy");
        var otherName = h.Factory.Create("Microsoft.AspNetCore.Hosting");
        otherFactoryMeter.CreateCounter<long>("aiproxy.foreign").Add(1);
        otherName.CreateCounter<long>("http.server.requests").Add(1);
        h.Meter.CreateCounter<long>("aiproxy.own", "{x}", "Own.").Add(1);

        AssertLines(
            """
            # HELP aiproxy_own_total Own.
            # TYPE aiproxy_own_total counter
            aiproxy_own_total 1

            """.ReplaceLineEndings("\n"),
            h.Scrape());
    }

    [Fact]
    public void Scrape_NoMeasurements_IsEmpty()
    {
        using var h = new ExporterHarness();
        h.Meter.CreateCounter<long>("aiproxy.idle", "{x}", "Idle.");

        Assert.Equal("", h.Scrape());
    }

    [Fact]
    public void Scrape_InstrumentCreatedAfterExporter_IsExported()
    {
        using var h = new ExporterHarness();
        _ = h.Scrape();
        var late = h.Factory.Create("AiProxy").CreateCounter<long>("aiproxy.late", "{x}", "Late.");
        late.Add(3);

        Assert.Contains("aiproxy_late_total 3\n", h.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_ConcurrentWriters_SumsExactly()
    {
        using var h = new ExporterHarness();
        var counter = h.Meter.CreateCounter<long>("aiproxy.requests", "{request}", "Requests.");
        var cost = h.Meter.CreateCounter<double>("aiproxy.cost", "USD", "Cost.");
        var duration = h.Meter.CreateHistogram<double>("aiproxy.request.duration", "s", "Duration.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1, Tag("client", "c" + (i % 3)));
                cost.Add(0.5, Tag("client", "c"));
                duration.Record(i % 2 == 0 ? 0.5 : 2, Tag("client", "c"));
            }
        })));

        var text = h.Scrape();
        var total = text.Split('\n').Where(l => l.StartsWith("aiproxy_requests_total{", StringComparison.Ordinal)).Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..]));
        Assert.Equal(40_000, total);
        Assert.Contains("aiproxy_cost_usd_total{client=\"c\"} 20000\n", text, StringComparison.Ordinal);
        Assert.Contains("aiproxy_request_duration_seconds_bucket{client=\"c\",le=\"1\"} 20000\n", text, StringComparison.Ordinal);
        Assert.Contains("aiproxy_request_duration_seconds_count{client=\"c\"} 40000\n", text, StringComparison.Ordinal);
        Assert.Contains("aiproxy_request_duration_seconds_sum{client=\"c\"} 50000\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_StopsListening()
    {
        var h = new ExporterHarness();
        var counter = h.Meter.CreateCounter<long>("aiproxy.requests");
        counter.Add(1);
        Assert.True(counter.Enabled);
        h.Dispose();
        Assert.False(counter.Enabled);
    }

    /// <summary>prometheus-net writes series in creation order and histogram sums before buckets: compare the lines, not their order.</summary>
    private static void AssertLines(string expected, string actual)
        => Assert.Equal(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal),
            actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
}
