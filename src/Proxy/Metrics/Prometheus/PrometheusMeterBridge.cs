using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// Exports the <c>AiProxy</c> meter through prometheus-net: every instrument becomes a prometheus-net collector of the
/// right type in this bridge's own <see cref="CollectorRegistry"/>, and each measurement is applied to it as it happens.
/// </summary>
/// <remarks>
/// prometheus-net's own Meter adapter exports counters as gauges without <c>_total</c> and drops what was measured before
/// the first scrape, so this small listener does the mapping instead: counters stay counters (<c>_total</c>), histograms
/// keep their advised buckets, up-down counters and gauges become gauges, and observable instruments are read at each
/// scrape, their vanished series removed. Instruments keep living on <see cref="System.Diagnostics.Metrics"/> for OTLP.
/// Each bridge only exports meters of the DI <see cref="IMeterFactory"/> it was built with (or unscoped ones), so several
/// hosts in one process (functional tests) each report their own numbers; a per-metric series cap folds a label
/// explosion into one all-<c>other</c> series, counted by <see cref="OverflowMetricName"/>.
/// </remarks>
internal sealed class PrometheusMeterBridge : IDisposable
{
    /// <summary>Default cap on series per metric; measurements beyond it fold into an all-<c>other</c> series.</summary>
    public const int DefaultMaxSeriesPerMetric = 2000;

    /// <summary>The self-metric counting folded measurements, labelled by the metric that overflowed.</summary>
    public const string OverflowMetricName = "aiproxy_metrics_overflow_total";

    private readonly MeterListener _listener;
    private readonly IMetricFactory _factory;
    private readonly object? _scope;
    private readonly int _maxSeries;
    private readonly Lock _collectGate = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentExport> _observables = new();
    private readonly Lazy<Counter> _overflow;
    private static readonly Lock SuppressGate = new();
    private static bool s_suppressed;

    public PrometheusMeterBridge(IMeterFactory meterFactory) : this(meterFactory, DefaultMaxSeriesPerMetric)
    {
    }

    /// <param name="scope">The <see cref="Meter.Scope"/> to accept (the DI meter factory); unscoped meters are always accepted.</param>
    /// <param name="maxSeriesPerMetric">The series cap per metric.</param>
    public PrometheusMeterBridge(object? scope, int maxSeriesPerMetric)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeriesPerMetric, 1);
        _scope = scope;
        _maxSeries = maxSeriesPerMetric;
        SuppressDefaultRegistry();
        Registry = global::Prometheus.Metrics.NewCustomRegistry();
        _factory = global::Prometheus.Metrics.WithCustomRegistry(Registry);
        // Exemplars read Activity.Current on every measurement; the proxy exports traces over OTLP instead.
        _factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _overflow = new(() => _factory.CreateCounter(OverflowMetricName,
            "Measurements folded into the all-\"other\" series because a metric reached its series limit.", ["metric"]));
        Registry.AddBeforeCollectCallback(CollectObservables);

        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished, MeasurementsCompleted = OnMeasurementsCompleted };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentExport)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentExport)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>
    /// prometheus-net's static default registry comes with adapters (all meters, event counters, process metrics) that
    /// would listen to every instrument in the process; the proxy never serves that registry, so switch them off.
    /// </summary>
    private static void SuppressDefaultRegistry()
    {
        lock (SuppressGate)
        {
            if (s_suppressed) return;
            s_suppressed = true;
            try
            {
                global::Prometheus.Metrics.SuppressDefaultMetrics();
            }
            catch (InvalidOperationException)
            {
                // Something in the process used the default registry first; it keeps its adapters.
            }
        }
    }

    /// <summary>Gets the registry that <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Renders the registry in the Prometheus text format 0.0.4 (for tests and tools).</summary>
    public async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public void Dispose() => _listener.Dispose();

    internal void CountOverflow(string metric) => _overflow.Value.WithLabels(metric).Inc();

    internal IMetricFactory Factory => _factory;

    internal int MaxSeries => _maxSeries;

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!string.Equals(instrument.Meter.Name, ProxyMetrics.MeterName, StringComparison.Ordinal)
            || (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, _scope)))
        {
            return;
        }
        var export = InstrumentExport.Create(this, instrument);
        if (export is null) return;
        if (export.IsObservable) _observables[instrument] = export;
        listener.EnableMeasurementEvents(instrument, export);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state) => _observables.TryRemove(instrument, out _);

    /// <summary>Reads the observable instruments, then drops the series their callbacks stopped reporting (a removed key or client).</summary>
    private void CollectObservables()
    {
        lock (_collectGate)
        {
            foreach (var export in _observables.Values) export.BeginCollect();
            _listener.RecordObservableInstruments();
            foreach (var export in _observables.Values) export.EndCollect();
        }
    }
}
