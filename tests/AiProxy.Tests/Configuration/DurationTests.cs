using AiProxy.Configuration;

namespace AiProxy.Tests.Configuration;

public sealed class DurationTests
{
    [Theory]
    [InlineData("01:00:00", 3_600_000)]
    [InlineData("00:00:30", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    public void TryParse_ValidText_ReturnsDuration(string text, double expectedMs)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(expectedMs, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("forever")]
    [InlineData("5")]
    [InlineData("5 minutes")]
    [InlineData("-00:00:05")]
    [InlineData("10y")]
    public void TryParse_InvalidText_ReturnsFalse(string text) => Assert.False(Duration.TryParse(text, out _));
}
