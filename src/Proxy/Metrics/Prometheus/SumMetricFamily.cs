using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Running sums: <c>Counter</c> (exported as a <c>_total</c> counter) and <c>UpDownCounter</c> (exported as a gauge).</summary>
internal sealed class SumMetricFamily(string name, string help, bool monotonic, int maxSeries)
    : MetricFamily<SumMetricFamily.Series>(name, help, monotonic ? "counter" : "gauge", isSnapshot: false, maxSeries)
{
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Counter<T>.Add does not reject negative values; a decreasing Prometheus counter would read as a reset.
        if (monotonic && value < 0) return;
        Interlocked.Add(ref GetSeries(tags).Long, value);
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value) || (monotonic && value < 0)) return;
        AtomicDouble.Add(ref GetSeries(tags).Double, value);
    }

    public override bool IsCompatible(MetricFamily other) => other is SumMetricFamily s && s.Type == Type;

    protected override Series CreateSeries() => new();

    protected override void WriteSeries(StringBuilder sb, string labels, Series series)
    {
        var longValue = Volatile.Read(ref series.Long);
        var doubleValue = Volatile.Read(ref series.Double);
        // Integer instruments print as integers; a double instrument (cost in USD) prints its shortest round-trip form.
        var text = doubleValue == 0 ? PrometheusText.FormatLong(longValue) : PrometheusText.FormatDouble(longValue + doubleValue);
        PrometheusText.AppendSample(sb, Name, labels, null, text);
    }

    internal sealed class Series
    {
        public long Long;
        public double Double;
    }
}
