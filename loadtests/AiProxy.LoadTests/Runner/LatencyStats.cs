using HdrHistogram;

namespace AiProxy.LoadTests.Runner;

/// <summary>Latency summary in milliseconds.</summary>
public sealed record LatencyStats(long Count, double Min, double Mean, double P50, double P75, double P95, double P99, double P999, double Max)
{
    /// <summary>An empty summary.</summary>
    public static LatencyStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Summarises a histogram of microseconds whose smallest recorded value is <paramref name="minMicroseconds"/>.</summary>
    internal static LatencyStats From(HistogramBase h, long minMicroseconds)
    {
        if (h.TotalCount == 0)
        {
            return Empty;
        }
        static double Ms(long us) => us / 1000.0;
        return new LatencyStats(
            h.TotalCount,
            Ms(minMicroseconds),
            h.GetMean() / 1000.0,
            Ms(h.GetValueAtPercentile(50)),
            Ms(h.GetValueAtPercentile(75)),
            Ms(h.GetValueAtPercentile(95)),
            Ms(h.GetValueAtPercentile(99)),
            Ms(h.GetValueAtPercentile(99.9)),
            Ms(h.GetMaxValue()));
    }
}
