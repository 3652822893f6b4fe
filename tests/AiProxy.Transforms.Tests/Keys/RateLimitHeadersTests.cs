using AiProxy.Transforms.Keys;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class RateLimitHeadersTests
{
    [Theory]
    [InlineData("1s", 10_000_000L)]
    [InlineData("20ms", 200_000L)]
    [InlineData("6m0s", 3_600_000_000L)]
    [InlineData("1h2m3.5s", 37_235_000_000L)]
    [InlineData("0.5s", 5_000_000L)]
    [InlineData("59.9s", 599_000_000L)]
    [InlineData("8.64s", 86_400_000L)]
    [InlineData("1m30s", 900_000_000L)]
    [InlineData("250us", 2_500L)]
    [InlineData("1.5µs", 15L)]
    [InlineData("300ns", 3L)]
    [InlineData("0s", 0L)]
    [InlineData("0", 0L)]
    [InlineData("30", 300_000_000L)]
    [InlineData("1.5", 15_000_000L)]
    [InlineData(" 2s ", 20_000_000L)]
    public void TryParseDuration_ValidValue_ReturnsDuration(string value, long expectedTicks)
    {
        Assert.True(RateLimitHeaders.TryParseDuration(value, out var duration));
        Assert.Equal(expectedTicks, duration.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("s")]
    [InlineData("1x")]
    [InlineData("-1s")]
    [InlineData("1..5s")]
    [InlineData("1s2")]
    [InlineData("abc")]
    [InlineData("1d")]
    [InlineData("99999999999999999999h")]
    public void TryParseDuration_InvalidValue_ReturnsFalse(string value)
    {
        Assert.False(RateLimitHeaders.TryParseDuration(value, out _));
    }

    [Theory]
    [InlineData("0s", 0L)]
    [InlineData("1s", 10_000_000L)]
    [InlineData("20ms", 200_000L)]
    [InlineData("6m0s", 3_600_000_000L)]
    [InlineData("1h2m3.5s", 37_235_000_000L)]
    [InlineData("59.9s", 599_000_000L)]
    [InlineData("1h0m0s", 36_000_000_000L)]
    [InlineData("1.5ms", 15_000L)]
    [InlineData("2.5µs", 25L)]
    [InlineData("100ns", 1L)]
    [InlineData("-1s", -10_000_000L)]
    [InlineData("25h0m0s", 900_000_000_000L)]
    public void FormatDuration_Duration_ReturnsGoStyle(string expected, long ticks)
    {
        Assert.Equal(expected, RateLimitHeaders.FormatDuration(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(12_345L)]
    [InlineData(200_000L)]
    [InlineData(37_235_000_000L)]
    [InlineData(3_600_000_001L)]
    public void FormatDuration_ThenParse_RoundTrips(long ticks)
    {
        var formatted = RateLimitHeaders.FormatDuration(TimeSpan.FromTicks(ticks));
        Assert.True(RateLimitHeaders.TryParseDuration(formatted, out var parsed));
        Assert.Equal(ticks, parsed.Ticks);
    }

    [Theory]
    [InlineData("2", 20_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("1.5", 15_000_000L)]
    [InlineData("0.25", 2_500_000L)]
    [InlineData("Thu, 01 Jan 2026 00:00:30 GMT", 300_000_000L)]
    [InlineData("Thursday, 01-Jan-26 00:00:05 GMT", 50_000_000L)]
    [InlineData("Wed, 31 Dec 2025 23:59:00 GMT", 0L)]
    public void TryParseRetryAfter_ValidValue_ReturnsDelayRelativeToNow(string value, long expectedTicks)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(RateLimitHeaders.TryParseRetryAfter(value, now, out var delay));
        Assert.Equal(expectedTicks, delay.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("1s")]
    public void TryParseRetryAfter_InvalidValue_ReturnsFalse(string value)
    {
        Assert.False(RateLimitHeaders.TryParseRetryAfter(value, DateTimeOffset.UnixEpoch, out _));
    }

    [Theory]
    [InlineData("1500", 15_000_000L)]
    [InlineData("20", 200_000L)]
    [InlineData("0.5", 5_000L)]
    [InlineData(" 0 ", 0L)]
    public void TryParseRetryAfterMs_ValidValue_ReturnsDelay(string value, long expectedTicks)
    {
        Assert.True(RateLimitHeaders.TryParseRetryAfterMs(value, out var delay));
        Assert.Equal(expectedTicks, delay.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("1e3")]
    public void TryParseRetryAfterMs_InvalidValue_ReturnsFalse(string value)
    {
        Assert.False(RateLimitHeaders.TryParseRetryAfterMs(value, out _));
    }
}
