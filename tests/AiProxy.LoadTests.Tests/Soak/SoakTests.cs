using AiProxy.LoadTests.Runner;
using AiProxy.LoadTests.Scenarios;
using AiProxy.LoadTests.Soak;
using AiProxy.MockUpstream;

namespace AiProxy.LoadTests.Tests.Soak;

public sealed class SoakTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void ParseStatus_ProcStatusText_ReadsRssAndThreads()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 3000000 kB\nVmRSS:\t  131072 kB\nRssAnon:\t 90000 kB\nThreads:\t23\nSigQ:\t0/1\n";

        var (rss, threads) = ProcessProbe.ParseStatus(status);

        Assert.Equal(128 * Mb, rss);
        Assert.Equal(23, threads);
    }

    [Fact]
    public void ParseHeapCsv_GenerationsPerTimestamp_MedianOfTheSums()
    {
        string[] lines =
        [
            "Timestamp,Provider,Counter Name,Counter Type,Mean/Increment",
            "11/30/2026 02:02:08,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen0],Metric,100",
            "11/30/2026 02:02:08,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen2],Metric,900",
            "11/30/2026 02:02:09,System.Runtime,dotnet.gc.heap.total_allocated (By / 1 sec),Rate,57320",
            "11/30/2026 02:02:09,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen0],Metric,5000",
            "11/30/2026 02:02:09,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen2],Metric,900",
            "11/30/2026 02:02:10,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen0],Metric,300",
            "11/30/2026 02:02:10,System.Runtime,dotnet.gc.last_collection.heap.size (By)[gc.heap.generation=gen2],Metric,900",
        ];

        Assert.Equal(1200, ProcessProbe.ParseHeapCsv(lines));
        Assert.Null(ProcessProbe.ParseHeapCsv(["Timestamp,Provider,Counter Name,Counter Type,Mean/Increment"]));
    }

    [Theory]
    [InlineData(0, 0, 0, true)]       // flat
    [InlineData(20, 0, 0, false)]     // RSS +15.6%
    [InlineData(0, 40, 0, false)]     // a handle leak
    [InlineData(0, 0, 12, false)]     // a thread leak
    public async Task Report_Thresholds_CatchGrowthAtTheEnd(int extraRssMb, int extraHandles, int extraThreads, bool passes)
    {
        var stats = await RunMixAgainstMockAsync(10);
        var timeline = Enumerable.Range(0, 8).Select(i => Sample(i, 128, 300, 20)).ToList();
        for (var i = 5; i < 8; i++)
        {
            timeline[i] = Sample(i, 128 + extraRssMb, 300 + extraHandles, 20 + extraThreads);
        }

        var report = new SoakReport(timeline, stats);
        var results = report.Evaluate(SoakReport.DefaultThresholds.Select(Threshold.Parse));

        Assert.Equal(passes, results.All(r => r.Passed));
        Assert.Contains("| RSS MB |", report.ToMarkdown("soak", results), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ABurstInTheLastSamplesButNotAll_IsNotGrowth()
    {
        var stats = await RunMixAgainstMockAsync(10);
        var timeline = Enumerable.Range(0, 12).Select(i => Sample(i, 128, 300, 20)).ToList();
        // A stall piled up calls near the end; their pooled connections stay open for the rest of the run.
        timeline[10] = Sample(10, 160, 700, 26);
        timeline[11] = Sample(11, 150, 700, 22);

        var report = new SoakReport(timeline, stats);

        Assert.Equal(0, report.Metric("rss_growth_pct"));
        Assert.Equal(0, report.Metric("handles_growth"));
        Assert.Equal(0, report.Metric("fail"));
    }

    [Fact]
    public async Task Scenario_EveryKindOfTheMix_RunsOkAgainstTheMock()
    {
        var stats = await RunMixAgainstMockAsync(40);

        Assert.Equal(40, stats.Ok);
        Assert.Equal(0, stats.Fail);
        foreach (var kind in new[] { "chat", "cheap", "cache-hit", "stream", "disconnect", "embeddings", "key-failover" })
        {
            Assert.True(stats.Messages.ContainsKey(kind), $"no '{kind}' call in {string.Join(",", stats.Messages.Keys)}");
        }
        Assert.Equal(["chat", "cheap", "cache-hit", "stream", "disconnect", "chat", "embeddings", "limited", "stream", "key-failover"],
            Enumerable.Range(0, 10).Select(i => SoakScenario.Kind(i)));
    }

    private static ProcessSample Sample(int i, long rssMb, int handles, int threads)
        => new(TimeSpan.FromSeconds(i * 30), rssMb * Mb, i == 0 ? 8 * Mb : null, handles, threads, handles / 2);

    private static async Task<ScenarioStats> RunMixAgainstMockAsync(int calls)
    {
        await using var mock = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        using var client = new LoadClient(mock.BaseUrl);
        var node = await NBomberRunner.RegisterScenarios(
                SoakScenario.Create(client).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(2, calls)))
            .WithoutReports()
            .WithLiveProgress(false)
            .RunAsync(CancellationToken.None);
        return node.ScenarioStats[0];
    }
}
