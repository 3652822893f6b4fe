namespace AiProxy.LoadTests.Runner;

/// <summary>Results of one scenario's measured phase (warm-up excluded).</summary>
public sealed record ScenarioStats
{
    /// <summary>Scenario name.</summary>
    public required string ScenarioName { get; init; }

    /// <summary>Measured wall time, in-flight calls drained.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Successful invocations.</summary>
    public required long Ok { get; init; }

    /// <summary>Failed invocations.</summary>
    public required long Fail { get; init; }

    /// <summary>Bytes reported by the responses.</summary>
    public required long Bytes { get; init; }

    /// <summary>Latency of ok calls, from the scheduled start (open model) or the actual start (closed model).</summary>
    public required LatencyStats Latency { get; init; }

    /// <summary>Time to first token of streams, when the scenario marks it.</summary>
    public LatencyStats? FirstToken { get; init; }

    /// <summary>Gaps between stream chunks, when the scenario marks them.</summary>
    public LatencyStats? ChunkGaps { get; init; }

    /// <summary>Count per status code label.</summary>
    public required IReadOnlyDictionary<string, long> StatusCodes { get; init; }

    /// <summary>Count per ok-response label (e.g. <c>cache:hit</c>).</summary>
    public required IReadOnlyDictionary<string, long> Messages { get; init; }

    /// <summary>The first few failure descriptions.</summary>
    public required IReadOnlyList<string> FailSamples { get; init; }

    /// <summary>Per-second counts and percentiles.</summary>
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    /// <summary>Latency (ms) at a ladder of percentiles.</summary>
    public required IReadOnlyList<(double Percentile, double Ms)> PercentileCurve { get; init; }

    /// <summary>Threshold outcomes, filled by the runner.</summary>
    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>All invocations.</summary>
    public long All => Ok + Fail;

    /// <summary>Invocations per second over <see cref="Duration"/>.</summary>
    public double Rps => Duration > TimeSpan.Zero ? All / Duration.TotalSeconds : 0;

    /// <summary>Share of failed invocations, in percent.</summary>
    public double FailPercent => All > 0 ? 100.0 * Fail / All : 0;

    /// <summary>Value of a threshold metric (latencies in ms, <c>fail%</c> in percent), or <see langword="null"/> when unknown or not measured.</summary>
    public double? Metric(string name)
    {
        static double? Pick(LatencyStats? l, string p) => l is null ? null : p switch
        {
            "min" => l.Min,
            "mean" => l.Mean,
            "p50" => l.P50,
            "p75" => l.P75,
            "p95" => l.P95,
            "p99" => l.P99,
            "p99.9" => l.P999,
            "max" => l.Max,
            _ => null,
        };
        return name switch
        {
            "ok" => Ok,
            "fail" => Fail,
            "ok%" => All > 0 ? 100.0 * Ok / All : 0,
            "fail%" => FailPercent,
            "rps" => Rps,
            _ when name.StartsWith("ttft_", StringComparison.Ordinal) => Pick(FirstToken, name[5..]),
            _ when name.StartsWith("gap_", StringComparison.Ordinal) => Pick(ChunkGaps, name[4..]),
            _ => Pick(Latency, name),
        };
    }
}
