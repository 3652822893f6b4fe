using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Tests.Runner;

public sealed class ThresholdTests
{
    [Theory]
    [InlineData("p99<50ms", "p99", ThresholdOperator.Less, 50, "ms")]
    [InlineData("p99.9 <= 2s", "p99.9", ThresholdOperator.LessOrEqual, 2000, "ms")]
    [InlineData("mean<500us", "mean", ThresholdOperator.Less, 0.5, "ms")]
    [InlineData("fail<0.1%", "fail%", ThresholdOperator.Less, 0.1, "%")]
    [InlineData("rps>=1000", "rps", ThresholdOperator.GreaterOrEqual, 1000, "")]
    [InlineData("cpu_ratio<=2.4", "cpu_ratio", ThresholdOperator.LessOrEqual, 2.4, "")]
    [InlineData("ttft_p50>1ms", "ttft_p50", ThresholdOperator.Greater, 1, "ms")]
    public void Parse_ValidText_ReadsMetricOperatorAndNormalisedValue(string text, string metric, ThresholdOperator op, double value, string unit)
    {
        var t = Threshold.Parse(text);

        Assert.Equal(metric, t.Metric);
        Assert.Equal(op, t.Operator);
        Assert.Equal(value, t.Value, 9);
        Assert.Equal(unit, t.Unit);
    }

    [Theory]
    [InlineData("p99 50ms")]
    [InlineData("<50ms")]
    [InlineData("p99<fast")]
    [InlineData("p99=50ms")]
    public void Parse_InvalidText_ThrowsFormatException(string text) => Assert.Throws<FormatException>(() => Threshold.Parse(text));

    [Theory]
    [InlineData("p99<50ms", 49.9, true)]
    [InlineData("p99<50ms", 50, false)]
    [InlineData("p99<=50ms", 50, true)]
    [InlineData("rps>100", 100, false)]
    [InlineData("rps>=100", 100, true)]
    public void Evaluate_MeasuredValue_PassesOnlyWhenRuleHolds(string text, double actual, bool expected)
    {
        var result = Threshold.Parse(text).Evaluate(_ => actual);

        Assert.Equal(expected, result.Passed);
    }

    [Fact]
    public void Evaluate_UnknownMetric_Fails()
    {
        var result = Threshold.Parse("nonsense<1").Evaluate(_ => null);

        Assert.False(result.Passed);
        Assert.Contains("not measured", result.ToString());
    }
}
