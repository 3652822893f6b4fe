using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Tests.Runner;

public sealed class ScenarioStatsCollectorTests
{
    [Fact]
    public void Build_UniformLatencies_GivesPercentilesWithinHistogramPrecision()
    {
        var collector = new ScenarioStatsCollector();
        for (var ms = 1; ms <= 100; ms++)
        {
            collector.Record(Response.Ok("200", 10), TimeSpan.FromMilliseconds(ms));
        }

        var stats = collector.Build("s", TimeSpan.FromSeconds(10));

        Assert.Equal(100, stats.Ok);
        Assert.Equal(10.0, stats.Rps, 6);
        Assert.Equal(1000, stats.Bytes);
        Assert.Equal(1.0, stats.Latency.Min, 2);
        Assert.InRange(stats.Latency.Mean, 50.4, 50.6);
        Assert.InRange(stats.Latency.P50, 49.9, 50.1);
        Assert.InRange(stats.Latency.P99, 98.9, 99.1);
        Assert.InRange(stats.Latency.Max, 99.9, 100.1);
        Assert.Equal(100, stats.StatusCodes["200"]);
    }

    [Fact]
    public void Build_FailuresAndLabels_CountedApart()
    {
        var collector = new ScenarioStatsCollector();
        collector.Record(Response.Ok("200", message: "cache:hit"), TimeSpan.FromMilliseconds(1));
        collector.Record(Response.Ok("429", message: "limited (expected)"), TimeSpan.FromMilliseconds(1));
        collector.Record(Response.Fail("502", "bad gateway"), TimeSpan.FromMilliseconds(1));

        var stats = collector.Build("s", TimeSpan.FromSeconds(1));

        Assert.Equal(2, stats.Ok);
        Assert.Equal(1, stats.Fail);
        Assert.Equal(100.0 / 3, stats.FailPercent, 6);
        Assert.Equal(1, stats.StatusCodes["429"]);
        Assert.Equal(1, stats.Messages["cache:hit"]);
        Assert.Equal("502 bad gateway", Assert.Single(stats.FailSamples));
        Assert.Equal(2, stats.Latency.Count); // ok calls only
    }

    [Fact]
    public void Metric_ThresholdNames_ResolveToStats()
    {
        var collector = new ScenarioStatsCollector();
        collector.Record(Response.Ok("200"), TimeSpan.FromMilliseconds(20));
        collector.RecordFirstToken(TimeSpan.FromMilliseconds(3));

        var stats = collector.Build("s", TimeSpan.FromSeconds(1));

        Assert.InRange(stats.Metric("p99")!.Value, 19.9, 20.1);
        Assert.InRange(stats.Metric("ttft_p50")!.Value, 2.99, 3.01);
        Assert.Null(stats.Metric("gap_p99"));
        Assert.Equal(0, stats.Metric("fail%"));
    }
}
