using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// Aggregates every instrument of the <c>AiProxy</c> meter and renders the Prometheus text format 0.0.4.
/// </summary>
/// <remarks>
/// Built on a <see cref="MeterListener"/> rather than the OpenTelemetry SDK: the SDK has no pull text exporter here,
/// so we would still write the exposition, plus a custom reader, views for naming and its own cardinality policy.
/// A listener is a few hundred lines we fully control: cumulative state, Prometheus naming, a per-metric series cap.
/// Only meters from the DI <see cref="IMeterFactory"/> this exporter was built with (or unscoped static meters) are
/// exported, so several hosts in one process (functional tests) each report their own numbers.
/// </remarks>
internal sealed class PrometheusExporter : IDisposable
{
    /// <summary>Default cap on series per metric; measurements beyond it fold into an all-<c>other</c> series.</summary>
    public const int DefaultMaxSeriesPerMetric = 2000;

    /// <summary>The self-metric counting folded measurements, labelled by the metric that overflowed.</summary>
    public const string OverflowMetricName = "aiproxy_metrics_overflow_total";

    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _publishGate = new();
    private readonly Lock _scrapeGate = new();
    private readonly MeterListener _listener;
    private readonly object? _scope;
    private readonly int _maxSeries;

    public PrometheusExporter(IMeterFactory meterFactory) : this(meterFactory, DefaultMaxSeriesPerMetric)
    {
    }

    /// <param name="scope">The <see cref="Meter.Scope"/> to accept (the DI meter factory); unscoped meters are always accepted.</param>
    /// <param name="maxSeriesPerMetric">The series cap per metric.</param>
    public PrometheusExporter(object? scope, int maxSeriesPerMetric)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeriesPerMetric, 1);
        _scope = scope;
        _maxSeries = maxSeriesPerMetric;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((MetricFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((MetricFamily)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Collects observable instruments and renders every metric, sorted by name and labels.</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            foreach (var family in _families.Values)
            {
                if (family.IsSnapshot) family.Clear();
            }
            _listener.RecordObservableInstruments();

            var families = _families.Values.ToArray();
            Array.Sort(families, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            var sb = new StringBuilder(4096);
            var overflows = new List<(string Metric, long Count)>();
            foreach (var family in families)
            {
                if (family.Overflowed > 0) overflows.Add((family.Name, family.Overflowed));
                if (!family.HasSeries) continue;
                sb.Append("# HELP ").Append(family.Name).Append(' ').Append(PrometheusText.EscapeHelp(family.Help)).Append('\n');
                sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
                family.WriteSamples(sb);
            }
            if (overflows.Count > 0)
            {
                sb.Append("# HELP ").Append(OverflowMetricName)
                  .Append(" Measurements folded into the all-\"other\" series because a metric reached its series limit.\n");
                sb.Append("# TYPE ").Append(OverflowMetricName).Append(" counter\n");
                foreach (var (metric, count) in overflows)
                {
                    PrometheusText.AppendSample(sb, OverflowMetricName, "metric=\"" + metric + "\"", null, PrometheusText.FormatLong(count));
                }
            }
            return sb.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!string.Equals(instrument.Meter.Name, ProxyMetrics.MeterName, StringComparison.Ordinal)
            || (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, _scope)))
        {
            return;
        }
        var candidate = CreateFamily(instrument);
        if (candidate is null) return;
        lock (_publishGate)
        {
            // Instruments that map to one name (the same instrument from two meters, or a unit-less twin) share a family;
            // a conflicting kind is not exported rather than rendering an invalid duplicate.
            var family = _families.GetOrAdd(candidate.Name, candidate);
            if (!ReferenceEquals(family, candidate) && !family.IsCompatible(candidate)) return;
            family.InstrumentCount++;
            listener.EnableMeasurementEvents(instrument, family);
        }
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not MetricFamily family) return;
        lock (_publishGate)
        {
            if (--family.InstrumentCount == 0) _families.TryRemove(new KeyValuePair<string, MetricFamily>(family.Name, family));
        }
    }

    private MetricFamily? CreateFamily(Instrument instrument)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        string Name(bool counter) => PrometheusText.MetricName(instrument.Name, instrument.Unit, counter);

        if (definition == typeof(Counter<>)) return new SumMetricFamily(Name(true), help, monotonic: true, _maxSeries);
        if (definition == typeof(UpDownCounter<>)) return new SumMetricFamily(Name(false), help, monotonic: false, _maxSeries);
        if (definition == typeof(Histogram<>)) return new HistogramMetricFamily(Name(false), help, Buckets(instrument), _maxSeries);
        if (definition == typeof(Gauge<>)) return new LastValueMetricFamily(Name(false), help, "gauge", isSnapshot: false, _maxSeries);
        if (definition == typeof(ObservableCounter<>)) return new LastValueMetricFamily(Name(true), help, "counter", isSnapshot: true, _maxSeries);
        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>))
        {
            return new LastValueMetricFamily(Name(false), help, "gauge", isSnapshot: true, _maxSeries);
        }
        return null;
    }

    private static double[] Buckets(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b),
            Instrument<short> s => s.Advice?.HistogramBucketBoundaries?.Select(static b => (double)b),
            Instrument<byte> b => b.Advice?.HistogramBucketBoundaries?.Select(static v => (double)v),
            Instrument<decimal> m => m.Advice?.HistogramBucketBoundaries?.Select(static v => (double)v),
            _ => null,
        };
        var bounds = advised is null ? null : HistogramMetricFamily.NormalizeBounds(advised);
        if (bounds is { Length: > 0 }) return bounds;
        return instrument.Unit == "s" ? HistogramMetricFamily.DefaultSecondsBuckets : HistogramMetricFamily.DefaultBuckets;
    }
}
