using AiProxy.LoadTests.Runner;
using AiProxy.LoadTests.Scenarios;
using AiProxy.MockUpstream;

namespace AiProxy.LoadTests.Tests.Scenarios;

public sealed class AiScenariosTests
{
    [Fact]
    public async Task Run_PassThroughAndStreamingAgainstMock_AllOkWithStreamTimings()
    {
        await using var mock = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        using var client = new LoadClient(mock.BaseUrl);
        var load = Simulation.IterationsForConstant(2, 20);

        var node = await NBomberRunner.RegisterScenarios(
                AiScenarios.PassThrough(client).WithoutWarmUp().WithLoadSimulations(load).WithThresholds(Threshold.Parse("fail<0.1%")),
                AiScenarios.Streaming(client).WithoutWarmUp().WithLoadSimulations(load))
            .WithoutReports()
            .WithLiveProgress(false)
            .RunAsync(CancellationToken.None);

        Assert.True(node.Passed);
        var pass = node.GetScenarioStats("passthrough");
        Assert.Equal(20, pass.Ok);
        Assert.True(pass.Bytes > 20 * 100);
        var stream = node.GetScenarioStats("streaming");
        Assert.Equal(20, stream.Ok);
        Assert.Equal(20, stream.FirstToken!.Count);
        Assert.True(stream.FirstToken.P50 <= stream.Latency.P50);
    }

    [Fact]
    public async Task Run_UpstreamAnswers429_CountsFailuresWithStatus()
    {
        await using var mock = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false, Behavior = _ => new MockBehavior { StatusCode = 429 } });
        using var client = new LoadClient(mock.BaseUrl);

        var node = await NBomberRunner.RegisterScenarios(
                AiScenarios.KeyFailover(client).WithoutWarmUp().WithLoadSimulations(Simulation.IterationsForConstant(1, 3)).WithThresholds(Threshold.Parse("fail<0.1%")))
            .WithoutReports()
            .WithLiveProgress(false)
            .RunAsync(CancellationToken.None);

        Assert.False(node.Passed);
        Assert.Equal(3, node.ScenarioStats[0].StatusCodes["429"]);
    }
}
