using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Explicit-bucket histograms exported as cumulative <c>_bucket{le}</c>, <c>_sum</c> and <c>_count</c>.</summary>
internal sealed class HistogramMetricFamily : MetricFamily<HistogramMetricFamily.Series>
{
    /// <summary>Prometheus client defaults, suited to durations in seconds.</summary>
    public static readonly double[] DefaultSecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>OpenTelemetry SDK defaults, for histograms of other units without bucket advice.</summary>
    public static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly double[] _bounds;
    private readonly string[] _leLabels;

    public HistogramMetricFamily(string name, string help, double[] bounds, int maxSeries) : base(name, help, "histogram", isSnapshot: false, maxSeries)
    {
        _bounds = bounds;
        _leLabels = new string[bounds.Length + 1];
        for (var i = 0; i < bounds.Length; i++)
        {
            _leLabels[i] = "le=\"" + PrometheusText.FormatDouble(bounds[i]) + "\"";
        }
        _leLabels[^1] = "le=\"+Inf\"";
    }

    /// <summary>Sorts, de-duplicates and drops non-finite boundaries (the +Inf bucket is implicit).</summary>
    public static double[] NormalizeBounds(IEnumerable<double> bounds)
    {
        var set = new SortedSet<double>();
        foreach (var b in bounds)
        {
            if (double.IsFinite(b)) set.Add(b);
        }
        return [.. set];
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value)) return;
        var series = GetSeries(tags);
        // Upper bounds are inclusive (le): the first bound >= value; past the last bound lands in +Inf.
        var index = _bounds.Length;
        if (_bounds.Length <= 16)
        {
            for (var i = 0; i < _bounds.Length; i++)
            {
                if (value <= _bounds[i])
                {
                    index = i;
                    break;
                }
            }
        }
        else
        {
            var found = Array.BinarySearch(_bounds, value);
            index = found >= 0 ? found : ~found;
        }
        Interlocked.Increment(ref series.Buckets[index]);
        AtomicDouble.Add(ref series.Sum, value);
    }

    public override bool IsCompatible(MetricFamily other) => other is HistogramMetricFamily h && h._bounds.AsSpan().SequenceEqual(_bounds);

    protected override Series CreateSeries() => new(_bounds.Length + 1);

    protected override void WriteSeries(StringBuilder sb, string labels, Series series)
    {
        // _count is the +Inf bucket rather than a separate counter, so a scrape racing a record still sees count == +Inf.
        long cumulative = 0;
        for (var i = 0; i < series.Buckets.Length; i++)
        {
            cumulative += Volatile.Read(ref series.Buckets[i]);
            PrometheusText.AppendSample(sb, Name + "_bucket", labels, _leLabels[i], PrometheusText.FormatLong(cumulative));
        }
        PrometheusText.AppendSample(sb, Name + "_sum", labels, null, PrometheusText.FormatDouble(Volatile.Read(ref series.Sum)));
        PrometheusText.AppendSample(sb, Name + "_count", labels, null, PrometheusText.FormatLong(cumulative));
    }

    internal sealed class Series(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}
