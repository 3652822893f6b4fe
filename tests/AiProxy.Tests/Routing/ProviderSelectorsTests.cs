using AiProxy.Configuration;
using AiProxy.Routing;

namespace AiProxy.Tests.Routing;

public sealed class ProviderSelectorsTests
{
    private readonly FakeTimeProvider _time = new();

    [Theory]
    [InlineData("fallback", 3, typeof(FallbackProviderSelector))]
    [InlineData("weighted", 3, typeof(WeightedProviderSelector))]
    [InlineData("least-latency", 3, typeof(LeastLatencyProviderSelector))]
    [InlineData("weighted", 1, typeof(FallbackProviderSelector))]
    [InlineData("least-latency", 1, typeof(FallbackProviderSelector))]
    public void Create_BalanceMode_BuildsItsSelector(string mode, int providers, Type expected)
    {
        var selector = ProviderSelectors.Create(BalanceModeNames.Table.Parse(mode, BalanceMode.Fallback), ProviderTestData.Providers(providers, _time));

        Assert.IsType(expected, selector);
    }

    [Fact]
    public void Fallback_PickFirst_IsAlwaysTheFirstProvider()
    {
        Assert.Equal(0, FallbackProviderSelector.Instance.PickFirst());
    }

    [Fact]
    public void Weighted_PickFirst_FollowsTheWeights()
    {
        var providers = new[]
        {
            ProviderTestData.Provider("a", _time, weight: 3),
            ProviderTestData.Provider("b", _time, weight: 1),
            ProviderTestData.Provider("c", _time, weight: 0),
        };
        var selector = new WeightedProviderSelector(providers, new Random(7));
        var counts = new int[3];

        for (var i = 0; i < 4000; i++)
        {
            counts[selector.PickFirst()]++;
        }

        Assert.InRange(counts[0], 2800, 3200);
        Assert.InRange(counts[1], 800, 1200);
        Assert.Equal(0, counts[2]);
    }

    [Fact]
    public void CompiledRoute_Selector_IsBuiltOnceForTheRoute()
    {
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = ProviderTestData.Providers(2, _time), Balance = BalanceMode.LeastLatency };

        Assert.Same(route.Selector, route.Selector);
        Assert.IsType<LeastLatencyProviderSelector>(route.Selector);
    }
}
