namespace AiProxy.LoadTests.Runner;

/// <summary>A threshold checked against a measured value (<see langword="null"/> when the metric was not measured: a failure).</summary>
public sealed record ThresholdResult(Threshold Threshold, double? Actual)
{
    /// <summary>Whether the measured value satisfies the threshold.</summary>
    public bool Passed => Actual is { } v && Threshold.IsSatisfiedBy(v);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Passed ? "PASS" : "FAIL")} {Threshold.Text} (actual {(Actual is { } v ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + Threshold.Unit : "not measured")})";
}
