using AiProxy.Configuration;
using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Tests.Routing;
using AiProxy.Upstream;

namespace AiProxy.Tests.Upstream;

public sealed class ProviderCandidatesTests
{
    private readonly FakeTimeProvider _time = new();

    private static AiRequestFeature Feature(ProviderRuntime[] providers, BalanceMode balance)
    {
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = providers, Balance = balance };
        return new AiRequestFeature(null!, AiOperation.PassThrough, route);
    }

    [Fact]
    public void TrySelect_LeastLatency_SelectorsChoiceFirstThenConfigOrder()
    {
        var providers = ProviderTestData.Providers(3, _time);
        providers[0].RecordLatency(TimeSpan.FromMilliseconds(300));
        providers[1].RecordLatency(TimeSpan.FromMilliseconds(200));
        providers[2].RecordLatency(TimeSpan.FromMilliseconds(100));
        var feature = Feature(providers, BalanceMode.LeastLatency);
        var failed = new FailedProviderSet(3);

        Assert.True(ProviderCandidates.TrySelect(feature, failed, out _, out var first, out _));
        failed.Add(first);
        Assert.True(ProviderCandidates.TrySelect(feature, failed, out _, out var second, out _));
        failed.Add(second);
        Assert.True(ProviderCandidates.TrySelect(feature, failed, out _, out var third, out _));

        Assert.Equal((2, 0, 1), (first, second, third));
    }

    [Fact]
    public void TrySelect_EveryProviderFailed_SecondPassTriesThemAgain()
    {
        var providers = ProviderTestData.Providers(2, _time);
        var failed = new FailedProviderSet(2);
        failed.Add(0);
        failed.Add(1);

        Assert.True(ProviderCandidates.TrySelect(Feature(providers, BalanceMode.Fallback), failed, out var provider, out _, out _));
        Assert.Equal("p0", provider.Name);
    }

    [Fact]
    public void TrySelect_NoUsableKey_RecordsTheProblemWithoutSecrets()
    {
        var provider = ProviderTestData.Provider("keyless", _time, 1, "   ");
        var feature = Feature([provider], BalanceMode.Fallback);

        Assert.False(ProviderCandidates.TrySelect(feature, null, out _, out _, out _));
        Assert.NotNull(feature.KeyProblem);
    }
}
