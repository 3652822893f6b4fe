using System.Collections.Concurrent;
using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// The aggregated series of one Prometheus metric (one or more instruments that map to the same name and kind).
/// Recording is called from any thread by the meter listener; writing is serialized by the exporter's scrape lock.
/// </summary>
internal abstract class MetricFamily(string name, string help, string type, bool isSnapshot)
{
    /// <summary>Gets the Prometheus metric name (including <c>_total</c> for counters).</summary>
    public string Name { get; } = name;

    public string Help { get; } = help;

    /// <summary>Gets the <c># TYPE</c> keyword: counter, gauge or histogram.</summary>
    public string Type { get; } = type;

    /// <summary>Gets a value indicating whether series are rebuilt at each scrape from observable callbacks.</summary>
    public bool IsSnapshot { get; } = isSnapshot;

    /// <summary>Gets or sets how many instruments feed this family; the family is dropped when the last one completes.</summary>
    public int InstrumentCount { get; set; }

    /// <summary>Gets the number of measurements folded into the overflow series because the series cap was reached.</summary>
    public abstract long Overflowed { get; }

    public abstract bool HasSeries { get; }

    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Forgets every series of a snapshot family before its observable callbacks run again.</summary>
    public abstract void Clear();

    /// <summary>Writes the samples (without HELP/TYPE) in label order.</summary>
    public abstract void WriteSamples(StringBuilder sb);

    /// <summary>Checks that another instrument can share this family (same kind; histograms also need the same buckets).</summary>
    public abstract bool IsCompatible(MetricFamily other);
}

/// <summary>Series storage with a lock-free lookup by tag span and a per-family cardinality cap.</summary>
internal abstract class MetricFamily<TSeries> : MetricFamily where TSeries : class
{
    private readonly ConcurrentDictionary<LabelSet, TSeries> _series = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, TSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly int _maxSeries;
    private TSeries? _unlabeled;
    private OverflowSeries? _overflow;
    private int _count;
    private long _overflowed;

    protected MetricFamily(string name, string help, string type, bool isSnapshot, int maxSeries) : base(name, help, type, isSnapshot)
    {
        _maxSeries = maxSeries;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public override long Overflowed => Volatile.Read(ref _overflowed);

    public override bool HasSeries => Volatile.Read(ref _unlabeled) is not null || !_series.IsEmpty;

    protected abstract TSeries CreateSeries();

    protected abstract void WriteSeries(StringBuilder sb, string labels, TSeries series);

    /// <summary>Finds or creates the series for a measurement; the common hit path allocates nothing and takes no lock.</summary>
    protected TSeries GetSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return Volatile.Read(ref _unlabeled) ?? InitializeUnlabeled();
        }
        return _lookup.TryGetValue(tags, out var series) ? series : AddSeries(tags);
    }

    private TSeries InitializeUnlabeled()
    {
        Interlocked.CompareExchange(ref _unlabeled, CreateSeries(), null);
        return _unlabeled!;
    }

    private TSeries AddSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        LabelSet key;
        if (Interlocked.Increment(ref _count) > _maxSeries)
        {
            // A label explosion (say, raw model names from clients) must not grow memory without bound: fold the
            // excess into one series whose labels all read "other", and count the folded measurements.
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _overflowed);
            // Once over the cap every new label set lands here, so reuse the last overflow series when its label
            // names match instead of building a key per measurement.
            if (Volatile.Read(ref _overflow) is { } last && HasSameNames(last.Key, tags)) return last.Series;
            key = LabelSet.Create(tags, valueOverride: "other");
            var overflow = _series.GetOrAdd(key, static (_, self) => self.CreateSeries(), this);
            Volatile.Write(ref _overflow, new OverflowSeries(key, overflow));
            return overflow;
        }
        key = LabelSet.Create(tags);
        var created = CreateSeries();
        if (_series.TryAdd(key, created)) return created;
        Interlocked.Decrement(ref _count);
        return _series[key];
    }

    private static bool HasSameNames(LabelSet key, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (key.Names.Length != tags.Length) return false;
        foreach (var tag in tags)
        {
            if (Array.IndexOf(key.Names, tag.Key) < 0) return false;
        }
        return true;
    }

    public override void Clear()
    {
        _series.Clear();
        Volatile.Write(ref _overflow, null);
        Volatile.Write(ref _unlabeled, null);
        Volatile.Write(ref _count, 0);
    }

    public override void WriteSamples(StringBuilder sb)
    {
        if (Volatile.Read(ref _unlabeled) is { } unlabeled)
        {
            WriteSeries(sb, "", unlabeled);
        }
        var entries = _series.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key.Text, b.Key.Text));
        foreach (var (labels, series) in entries)
        {
            WriteSeries(sb, labels.Text, series);
        }
    }

    private sealed record OverflowSeries(LabelSet Key, TSeries Series);
}
