using System.Diagnostics;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Tests.Runner;

public sealed class ScenarioEngineTests
{
    [Fact]
    public async Task RunAsync_IterationsForConstant_RunsExactlyThatManyCalls()
    {
        var calls = 0;
        var scenario = Scenario.Create("count", _ => { Interlocked.Increment(ref calls); return Task.FromResult(Response.Ok("200")); })
            .WithoutWarmUp()
            .WithLoadSimulations(Simulation.IterationsForConstant(4, 50));

        var stats = await new ScenarioEngine(scenario).RunAsync(CancellationToken.None);

        Assert.Equal(50, calls);
        Assert.Equal(50, stats.Ok);
    }

    [Fact]
    public async Task RunAsync_InjectWithThresholds_EvaluatesThem()
    {
        var scenario = Scenario.Create("inject", _ => Task.FromResult(Response.Ok("200")))
            .WithoutWarmUp()
            .WithLoadSimulations(Simulation.Inject(100, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300)))
            .WithThresholds(Threshold.Parse("ok>=25"), Threshold.Parse("fail>0"));

        var stats = await new ScenarioEngine(scenario).RunAsync(CancellationToken.None);

        Assert.InRange(stats.Ok, 25, 35);
        Assert.True(stats.Thresholds[0].Passed);
        Assert.False(stats.Thresholds[1].Passed);
    }

    [Fact]
    public async Task RunAsync_ThrowingStep_CountsFailureWithExceptionStatus()
    {
        var scenario = Scenario.Create("boom", _ => throw new InvalidOperationException("nope"))
            .WithoutWarmUp()
            .WithLoadSimulations(Simulation.IterationsForConstant(1, 3));

        var stats = await new ScenarioEngine(scenario).RunAsync(CancellationToken.None);

        Assert.Equal(3, stats.Fail);
        Assert.Equal(3, stats.StatusCodes["exception"]);
    }

    [Fact]
    public void MarkFirstToken_LateStart_CountsFromScheduledTime()
    {
        // The invocation was due 50 ms ago (the generator or the target was stalled): that wait belongs to the latency.
        var collector = new ScenarioStatsCollector();
        var scheduled = Stopwatch.GetTimestamp() - (Stopwatch.Frequency / 20);
        var ctx = new ScenarioContext("s", 0, scheduled, collector, CancellationToken.None);

        ctx.MarkFirstToken();
        ctx.MarkChunk();

        var stats = collector.Build("s", TimeSpan.FromSeconds(1));
        Assert.True(stats.FirstToken!.P50 >= 50, $"ttft {stats.FirstToken.P50} ms");
        Assert.Equal(1, stats.ChunkGaps!.Count);
    }
}
