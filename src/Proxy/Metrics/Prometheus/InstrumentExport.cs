using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Prometheus;

namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// One instrument's prometheus-net collector and its children, found by the measurement's tag span without allocating.
/// The collector is created at the first measurement, with the tag names (sorted) as its label names.
/// </summary>
internal sealed class InstrumentExport
{
    private const int RecentSlots = 4;

    private readonly PrometheusMeterBridge _bridge;
    private readonly Kind _kind;
    private readonly string _name;
    private readonly string _help;
    private readonly double[]? _buckets;
    private readonly ConcurrentDictionary<KeyValuePair<string, object?>[], Series> _children = new(TagArrayComparer.Instance);
    private readonly ConcurrentDictionary<KeyValuePair<string, object?>[], Series>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    // The series found last (up to RecentSlots), compared by reference: one request records several series of one
    // instrument (token kinds, keys).
    private readonly Series?[] _recent = new Series?[RecentSlots];
    private readonly Lock _gate = new();
    private volatile Collector? _collector;
    private string[] _labelNames = [];
    private bool _unusable;
    private int _count;
    private object? _overflow;
    private HashSet<object>? _seen;
    private int _recentNext;

    private InstrumentExport(PrometheusMeterBridge bridge, Kind kind, string name, string help, double[]? buckets)
    {
        _bridge = bridge;
        _kind = kind;
        _name = name;
        _help = help;
        _buckets = buckets;
        _lookup = _children.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    private enum Kind
    {
        Counter,
        UpDownCounter,
        Histogram,
        Gauge,
        ObservableCounter,
        ObservableGauge,
    }

    /// <summary>Gets a value indicating whether the instrument is read at scrape time (its series are rebuilt each time).</summary>
    public bool IsObservable => _kind is Kind.ObservableCounter or Kind.ObservableGauge;

    public static InstrumentExport? Create(PrometheusMeterBridge bridge, Instrument instrument)
    {
        var type = instrument.GetType();
        var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : null;
        Kind? kind = definition switch
        {
            _ when definition == typeof(Counter<>) => Kind.Counter,
            _ when definition == typeof(UpDownCounter<>) => Kind.UpDownCounter,
            _ when definition == typeof(Histogram<>) => Kind.Histogram,
            _ when definition == typeof(Gauge<>) => Kind.Gauge,
            _ when definition == typeof(ObservableCounter<>) => Kind.ObservableCounter,
            _ when definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) => Kind.ObservableGauge,
            _ => null,
        };
        if (kind is not { } k) return null;
        var name = PrometheusNames.MetricName(instrument.Name, instrument.Unit, isCounter: k is Kind.Counter or Kind.ObservableCounter);
        var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        // prometheus-net writes HELP as given: escape it as the text format requires.
        help = help.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);
        return new InstrumentExport(bridge, k, name, help, k == Kind.Histogram ? Buckets(instrument) : null);
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // prometheus-net renders infinities in a form Prometheus cannot parse, and they would poison a sum: drop them.
        if (double.IsInfinity(value) || (double.IsNaN(value) && _kind is not (Kind.Gauge or Kind.ObservableGauge))) return;
        var child = GetChild(tags);
        if (child is null) return;
        switch (_kind)
        {
            case Kind.Counter when value >= 0:
                ((ICounter)child).Inc(value);
                break;
            case Kind.ObservableCounter:
                ((ICounter)child).IncTo(value);
                break;
            case Kind.UpDownCounter:
                ((IGauge)child).Inc(value);
                break;
            case Kind.Gauge or Kind.ObservableGauge:
                ((IGauge)child).Set(value);
                break;
            case Kind.Histogram:
                ((IHistogram)child).Observe(value);
                break;
        }
        _seen?.Add(child);
    }

    /// <summary>Starts an observable collection: series not reported before <see cref="EndCollect"/> are removed.</summary>
    public void BeginCollect() => _seen = new HashSet<object>(ReferenceEqualityComparer.Instance);

    public void EndCollect()
    {
        var seen = _seen;
        _seen = null;
        if (seen is null) return;
        foreach (var (key, series) in _children)
        {
            if (seen.Contains(series.Child)) continue;
            (series.Child as ChildBase)?.Remove();
            if (_children.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>
    /// Finds the child for a tag span. A measurement with the very same tag objects as one of the last series found (label values
    /// are config strings and constants, so a steady series repeats them) takes it by reference compares; otherwise one
    /// dictionary lookup without allocation or lock.
    /// </summary>
    private object? GetChild(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var recent = _recent;
        for (var i = 0; i < recent.Length; i++)
        {
            var candidate = Volatile.Read(ref recent[i]);
            if (candidate is not null && candidate.Matches(tags)) return candidate.Child;
        }
        if (_lookup.TryGetValue(tags, out var series))
        {
            // Observable series are removed at collection: only measured instruments remember recent ones.
            if (!IsObservable) Volatile.Write(ref recent[(uint)Interlocked.Increment(ref _recentNext) % RecentSlots], series);
            return series.Child;
        }
        var collector = _collector ?? CreateCollector(tags);
        return collector is null ? null : AddChild(collector, tags);
    }

    /// <summary>One series: its tags (the dictionary's own key) and its prometheus-net child.</summary>
    private sealed class Series(KeyValuePair<string, object?>[] tags, object child)
    {
        public object Child { get; } = child;

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
        {
            if (other.Length != tags.Length) return false;
            for (var i = 0; i < other.Length; i++)
            {
                if (!ReferenceEquals(other[i].Key, tags[i].Key) || !ReferenceEquals(other[i].Value, tags[i].Value)) return false;
            }
            return true;
        }
    }

    private object? AddChild(Collector collector, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Interlocked.Increment(ref _count) > _bridge.MaxSeries)
        {
            // A label explosion (say, raw model names from clients) must not grow memory without bound.
            Interlocked.Decrement(ref _count);
            _bridge.CountOverflow(_name);
            return _overflow ??= WithLabels(collector, Fill("other"));
        }
        var values = new string[_labelNames.Length];
        Array.Fill(values, "");
        foreach (var tag in tags)
        {
            var index = Array.IndexOf(_labelNames, PrometheusNames.LabelName(tag.Key));
            if (index >= 0) values[index] = Format(tag.Value);
        }
        var created = WithLabels(collector, values);
        var tagArray = tags.ToArray();
        if (_children.TryAdd(tagArray, new Series(tagArray, created))) return created;
        Interlocked.Decrement(ref _count);
        return _lookup.TryGetValue(tags, out var existing) ? existing.Child : created;
    }

    private string[] Fill(string value)
    {
        var values = new string[_labelNames.Length];
        Array.Fill(values, value);
        return values;
    }

    private Collector? CreateCollector(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            if (_collector is { } existing || _unusable) return _collector;
            var names = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++) names[i] = PrometheusNames.LabelName(tags[i].Key);
            Array.Sort(names, StringComparer.Ordinal);
            _labelNames = names;
            var factory = _bridge.Factory;
            try
            {
                _collector = _kind switch
                {
                    Kind.Counter or Kind.ObservableCounter => factory.CreateCounter(_name, _help, names),
                    Kind.Histogram => factory.CreateHistogram(_name, _help, new HistogramConfiguration { LabelNames = names, Buckets = _buckets }),
                    _ => factory.CreateGauge(_name, _help, names),
                };
            }
            catch (InvalidOperationException)
            {
                // Another instrument already exports this name with other labels or another type: export the first only.
                _unusable = true;
            }
            return _collector;
        }
    }

    /// <summary>The labelled child, or the collector itself (its unlabelled series) when the instrument has no tags.</summary>
    private static object WithLabels(Collector collector, string[] values) => collector switch
    {
        _ when values.Length == 0 => collector,
        Counter c => c.WithLabels(values),
        Gauge g => g.WithLabels(values),
        Histogram h => h.WithLabels(values),
        _ => throw new InvalidOperationException("Unexpected collector type."),
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Prometheus client defaults for seconds; OpenTelemetry SDK defaults for other units; advice wins over both.</summary>
    private static double[] Buckets(Instrument instrument)
    {
        IReadOnlyList<double>? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries is { } b ? [.. b.Select(static v => (double)v)] : null,
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries is { } b ? [.. b.Select(static v => (double)v)] : null,
            _ => null,
        };
        if (advised is { Count: > 0 }) return [.. advised.Where(double.IsFinite).Distinct().Order()];
        return instrument.Unit == "s"
            ? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
            : [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
    }

    /// <summary>Equality of tag lists by key and value, so a measurement's span finds its child without allocating.</summary>
    private sealed class TagArrayComparer : IEqualityComparer<KeyValuePair<string, object?>[]>,
        IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, KeyValuePair<string, object?>[]>
    {
        public static readonly TagArrayComparer Instance = new();

        public bool Equals(KeyValuePair<string, object?>[]? x, KeyValuePair<string, object?>[]? y)
            => ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.AsSpan(), y));

        public int GetHashCode(KeyValuePair<string, object?>[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, KeyValuePair<string, object?>[] other)
        {
            if (alternate.Length != other.Length) return false;
            for (var i = 0; i < alternate.Length; i++)
            {
                if (!string.Equals(alternate[i].Key, other[i].Key, StringComparison.Ordinal) || !Equals(alternate[i].Value, other[i].Value)) return false;
            }
            return true;
        }

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
        {
            var hash = new HashCode();
            foreach (var tag in alternate)
            {
                hash.Add(tag.Key);
                hash.Add(tag.Value);
            }
            return hash.ToHashCode();
        }

        public KeyValuePair<string, object?>[] Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => alternate.ToArray();
    }
}
