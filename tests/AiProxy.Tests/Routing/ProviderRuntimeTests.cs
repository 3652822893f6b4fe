namespace AiProxy.Tests.Routing;

public sealed class ProviderRuntimeTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordLatency_FirstSample_IsTheEstimate()
    {
        var provider = ProviderTestData.Provider("p", _time);

        provider.RecordLatency(TimeSpan.FromMilliseconds(120));

        Assert.Equal(TimeSpan.FromMilliseconds(120), provider.Latency);
        Assert.Equal(_time.GetTimestamp(), provider.LatencySampledAt);
    }

    [Fact]
    public void RecordLatency_BackToBack_MovesTheEstimateByAFifth()
    {
        var provider = ProviderTestData.Provider("p", _time);
        provider.RecordLatency(TimeSpan.FromMilliseconds(100));

        provider.RecordLatency(TimeSpan.FromMilliseconds(200));

        Assert.Equal(120, provider.Latency.TotalMilliseconds, 1);
    }

    [Fact]
    public void RecordLatency_AfterALongPause_TheFreshSampleOutweighsTheStaleEstimate()
    {
        var provider = ProviderTestData.Provider("p", _time);
        provider.RecordLatency(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromMinutes(2));

        provider.RecordLatency(TimeSpan.FromMilliseconds(100));

        // 4 half-lives: the old estimate keeps 0.8 / 16 = 5% of its weight.
        Assert.InRange(provider.Latency.TotalMilliseconds, 340, 360);
    }
}
