using AiProxy.Routing;

namespace AiProxy.Tests.Routing;

public sealed class LeastLatencyProviderSelectorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void PickFirst_Measured_PrefersTheLowestLatency()
    {
        var providers = ProviderTestData.Providers(3, _time);
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(300));
        providers[1].RecordLatency(TimeSpan.FromMilliseconds(100));
        providers[2].RecordLatency(TimeSpan.FromMilliseconds(200));
        var selector = new LeastLatencyProviderSelector(providers, _time);

        Assert.Equal(1, selector.PickFirst());
    }

    [Fact]
    public void PickFirst_Unmeasured_IsTriedBeforeMeasuredOnes()
    {
        var providers = ProviderTestData.Providers(2, _time);
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(50));
        var selector = new LeastLatencyProviderSelector(providers, _time);

        Assert.Equal(1, selector.PickFirst());
    }

    [Fact]
    public void PickFirst_SlowSampleGoesStale_ReprobesThatProviderOncePerInterval()
    {
        var providers = ProviderTestData.Providers(2, _time);
        var selector = new LeastLatencyProviderSelector(providers, _time, TimeSpan.FromSeconds(30));
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(100));
        providers[1].RecordLatency(TimeSpan.FromSeconds(5)); // one slow sample

        Assert.Equal(0, selector.PickFirst());
        // The fast provider keeps being measured because it keeps being chosen.
        _time.Advance(TimeSpan.FromSeconds(29));
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, selector.PickFirst());

        _time.Advance(TimeSpan.FromSeconds(1));
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, selector.PickFirst()); // stale: one probe
        Assert.Equal(0, selector.PickFirst()); // only one per interval
    }

    [Fact]
    public void PickFirst_ReprobeShowsRecovery_TheRecoveredProviderWins()
    {
        var providers = ProviderTestData.Providers(2, _time);
        var selector = new LeastLatencyProviderSelector(providers, _time, TimeSpan.FromSeconds(30));
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(200));
        providers[1].RecordLatency(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromMinutes(5));
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(200));

        Assert.Equal(1, selector.PickFirst());
        providers[1].RecordLatency(TimeSpan.FromMilliseconds(50)); // the probe's answer

        Assert.Equal(1, selector.PickFirst());
    }

    [Fact]
    public void PickFirst_NoStaleProvider_NeverProbes()
    {
        var providers = ProviderTestData.Providers(3, _time);
        var selector = new LeastLatencyProviderSelector(providers, _time, TimeSpan.FromSeconds(30));
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            providers[0].RecordLatency(TimeSpan.FromMilliseconds(10));
            providers[1].RecordLatency(TimeSpan.FromMilliseconds(20));
            providers[2].RecordLatency(TimeSpan.FromMilliseconds(30));
            Assert.Equal(0, selector.PickFirst());
        }
    }
}
