namespace AiProxy.LoadTests.Runner;

/// <summary>One second of a scenario: counts and latency percentiles (ms) of the calls that ended in it.</summary>
public sealed record TimelinePoint(int Second, long Ok, long Fail, double P50, double P99, double Max);
