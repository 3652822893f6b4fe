using AiProxy.Transforms.Keys;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class KeyStrategyNamesTests
{
    [Theory]
    [InlineData("round-robin", KeyStrategy.RoundRobin)]
    [InlineData("least-loaded", KeyStrategy.LeastLoaded)]
    [InlineData("quota-aware", KeyStrategy.QuotaAware)]
    [InlineData("Round-Robin", KeyStrategy.RoundRobin)]
    public void TryParse_ConfigName_ReturnsStrategy(string name, KeyStrategy expected)
    {
        Assert.True(KeyStrategyNames.Table.TryParse(name, out var strategy));
        Assert.Equal(expected, strategy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("random")]
    [InlineData("QuotaAware")]
    [InlineData(" round-robin ")]
    public void TryParse_NameTheValidatorRejects_ReturnsFalse(string? name)
    {
        Assert.False(KeyStrategyNames.Table.TryParse(name, out _));
    }

    [Theory]
    [InlineData(KeyStrategy.RoundRobin)]
    [InlineData(KeyStrategy.LeastLoaded)]
    [InlineData(KeyStrategy.QuotaAware)]
    public void NameOf_EveryStrategy_RoundTrips(KeyStrategy strategy)
    {
        Assert.True(KeyStrategyNames.Table.TryParse(KeyStrategyNames.Table.NameOf(strategy), out var parsed));
        Assert.Equal(strategy, parsed);
    }
}
