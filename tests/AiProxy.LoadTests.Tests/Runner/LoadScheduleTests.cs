using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Tests.Runner;

public sealed class LoadScheduleTests
{
    [Fact]
    public void Arrivals_ConstantRate_AreEvenlySpacedAndEndBeforeDuration()
    {
        var arrivals = LoadSchedule.Arrivals(10, 10, TimeSpan.FromSeconds(2)).ToList();

        Assert.Equal(20, arrivals.Count);
        Assert.Equal(TimeSpan.Zero, arrivals[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), arrivals[1]);
        Assert.All(arrivals, a => Assert.True(a < TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Arrivals_RampFromZero_CountIsAreaUnderRateAndGapsShrink()
    {
        // Rate 0 → 100/s over 2 s: the area is 100 arrivals.
        var arrivals = LoadSchedule.Arrivals(0, 100, TimeSpan.FromSeconds(2)).ToList();

        Assert.InRange(arrivals.Count, 99, 101);
        Assert.True(arrivals[2] - arrivals[1] > arrivals[^1] - arrivals[^2]);
    }

    [Fact]
    public void Arrivals_IterationBound_StopsAtCount()
    {
        var arrivals = LoadSchedule.Arrivals(1000, 1000, TimeSpan.MaxValue, iterations: 7).ToList();

        Assert.Equal(7, arrivals.Count);
    }

    [Fact]
    public void Arrivals_ZeroRate_IsEmpty() => Assert.Empty(LoadSchedule.Arrivals(0, 0, TimeSpan.FromSeconds(5)));

    [Theory]
    [InlineData(0, 10, 0, 0)]
    [InlineData(0, 10, 5, 5)]
    [InlineData(10, 0, 5, 5)]
    [InlineData(0, 10, 10, 10)]
    [InlineData(4, 4, 3, 4)]
    public void CopiesAt_Ramp_IsLinear(int from, int to, int elapsedSeconds, int expected) =>
        Assert.Equal(expected, LoadSchedule.CopiesAt(from, to, TimeSpan.FromSeconds(elapsedSeconds), TimeSpan.FromSeconds(10)));
}
