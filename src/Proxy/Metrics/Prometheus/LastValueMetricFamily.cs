using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// Last reported value per series: <c>Gauge</c>, and the observable instruments (gauge, up-down counter, and counter,
/// whose callback already reports a cumulative total). Observable families are cleared before each collection so a
/// series the callback stops reporting (a removed client) disappears from the next scrape.
/// </summary>
internal sealed class LastValueMetricFamily(string name, string help, string type, bool isSnapshot, int maxSeries)
    : MetricFamily<LastValueMetricFamily.Series>(name, help, type, isSnapshot, maxSeries)
{
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = GetSeries(tags);
        Volatile.Write(ref series.Value, value);
        Volatile.Write(ref series.IsLong, true);
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = GetSeries(tags);
        Volatile.Write(ref series.Value, value);
        Volatile.Write(ref series.IsLong, false);
    }

    public override bool IsCompatible(MetricFamily other) => other is LastValueMetricFamily l && l.Type == Type && l.IsSnapshot == IsSnapshot;

    protected override Series CreateSeries() => new();

    protected override void WriteSeries(StringBuilder sb, string labels, Series series)
    {
        var value = Volatile.Read(ref series.Value);
        var text = Volatile.Read(ref series.IsLong) && Math.Abs(value) < 9.007199254740992E15 ? PrometheusText.FormatLong((long)value) : PrometheusText.FormatDouble(value);
        PrometheusText.AppendSample(sb, Name, labels, null, text);
    }

    internal sealed class Series
    {
        public double Value;
        public bool IsLong;
    }
}
