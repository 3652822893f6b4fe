using HdrHistogram;

namespace AiProxy.LoadTests.Runner;

/// <summary>A locked HdrHistogram of microseconds (1 µs … 5 min, 3 significant digits) that also keeps the minimum.</summary>
internal sealed class LatencyRecorder
{
    private const long Highest = 300_000_000;
    private readonly LongHistogram _histogram = new(Highest, 3);
    private readonly Lock _lock = new();
    private long _min = long.MaxValue;

    public void Record(TimeSpan value)
    {
        var us = Math.Clamp((long)value.TotalMicroseconds, 1, Highest);
        lock (_lock)
        {
            _histogram.RecordValue(us);
            if (us < _min)
            {
                _min = us;
            }
        }
    }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public LatencyStats Summary()
    {
        lock (_lock)
        {
            return LatencyStats.From(_histogram, _min == long.MaxValue ? 0 : _min);
        }
    }

    /// <summary>Value (ms) at each percentile of <paramref name="percentiles"/>, for the percentile plot.</summary>
    public IReadOnlyList<(double Percentile, double Ms)> Curve(IEnumerable<double> percentiles)
    {
        lock (_lock)
        {
            if (_histogram.TotalCount == 0)
            {
                return [];
            }
            return [.. percentiles.Select(p => (p, _histogram.GetValueAtPercentile(p) / 1000.0))];
        }
    }
}
