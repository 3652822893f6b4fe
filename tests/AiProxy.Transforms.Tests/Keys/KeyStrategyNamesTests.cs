using AiProxy.Transforms.Keys;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class KeyStrategyNamesTests
{
    [Theory]
    [InlineData("round-robin", KeyStrategy.RoundRobin)]
    [InlineData("least-loaded", KeyStrategy.LeastLoaded)]
    [InlineData("quota-aware", KeyStrategy.QuotaAware)]
    [InlineData("QuotaAware", KeyStrategy.QuotaAware)]
    [InlineData(" Round-Robin ", KeyStrategy.RoundRobin)]
    public void TryParse_KnownName_ReturnsStrategy(string name, KeyStrategy expected)
    {
        Assert.True(KeyStrategyNames.TryParse(name, out var strategy));
        Assert.Equal(expected, strategy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("random")]
    public void TryParse_UnknownName_ReturnsFalse(string? name)
    {
        Assert.False(KeyStrategyNames.TryParse(name, out _));
    }

    [Theory]
    [InlineData(KeyStrategy.RoundRobin)]
    [InlineData(KeyStrategy.LeastLoaded)]
    [InlineData(KeyStrategy.QuotaAware)]
    public void ToConfigName_Strategy_RoundTrips(KeyStrategy strategy)
    {
        Assert.True(KeyStrategyNames.TryParse(strategy.ToConfigName(), out var parsed));
        Assert.Equal(strategy, parsed);
    }
}
