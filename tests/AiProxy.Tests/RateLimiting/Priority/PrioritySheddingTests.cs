using AiProxy.RateLimiting.Priority;
using AiProxy.Transforms.Keys;

namespace AiProxy.Tests.RateLimiting.Priority;

public sealed class PrioritySheddingTests
{
    [Theory]
    [InlineData(PriorityClass.Critical, 0.2, -1)]
    [InlineData(PriorityClass.High, 0.2, 0.2)]
    [InlineData(PriorityClass.Normal, 0.2, 0.4)]
    [InlineData(PriorityClass.Low, 0.2, 0.6)]
    [InlineData(PriorityClass.Low, 0.5, 0.75)]
    [InlineData(PriorityClass.Low, 0, -1)]
    public void Threshold_PerClass(PriorityClass priority, double reserve, double expected)
        => Assert.Equal(expected, PriorityShedding.Threshold(priority, reserve), 6);

    [Theory]
    [InlineData(PriorityClass.Low, 0.61, false)]
    [InlineData(PriorityClass.Low, 0.6, true)]
    [InlineData(PriorityClass.Normal, 0.5, false)]
    [InlineData(PriorityClass.Normal, 0.4, true)]
    [InlineData(PriorityClass.High, 0.21, false)]
    [InlineData(PriorityClass.High, 0.2, true)]
    [InlineData(PriorityClass.Critical, 0, false)]
    public void ShouldShed_LowerClassesYieldFirst(PriorityClass priority, double headroom, bool shed)
        => Assert.Equal(shed, PriorityShedding.ShouldShed(priority, new KeyPoolPressure(headroom, 2, TimeSpan.FromSeconds(5), 0.2)));

    [Fact]
    public void ShouldShed_NoKeysTheClassMayUse_DoesNotShed_ThePoolReportsItInstead()
        => Assert.False(PriorityShedding.ShouldShed(PriorityClass.Low, new KeyPoolPressure(0, 0, TimeSpan.Zero, 0.2)));
}
