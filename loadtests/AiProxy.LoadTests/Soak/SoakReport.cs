using System.Globalization;
using System.Text;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Soak;

/// <summary>The soak's verdict: the proxy's resources after warm-up against those at the end of the same load.</summary>
internal sealed class SoakReport
{
    /// <summary>The issue's bars: end RSS within 10% of post-warm-up RSS; handles and threads flat; no unexpected failures.</summary>
    /// <remarks>
    /// "Flat" leaves room for the noise of a process under load: the pools of upstream and client connections and the
    /// thread pool breathe by a few entries from one moment to the next. A leak of one handle or thread per request (or
    /// per thousand) overshoots these bounds many times over in ten minutes.
    /// </remarks>
    public static readonly string[] DefaultThresholds =
        ["rss_growth_pct<=10", "handles_growth<=16", "threads_growth<=8", "fail%<=0.5"];

    /// <summary>How many samples after the warm-up make up the start figures (the end takes the last third, at least as many).</summary>
    public const int Window = 3;

    public SoakReport(IReadOnlyList<ProcessSample> timeline, ScenarioStats stats, TimeSpan warmUp = default)
    {
        if (timeline.Count == 0)
        {
            throw new ArgumentException("no samples", nameof(timeline));
        }
        WarmUp = warmUp;
        Start = Floor(timeline.Take(Window).ToList(), timeline[0].GcHeapBytes);
        // The last third: idle pooled connections outlive a burst by a minute or two, so a shorter window can sit
        // wholly inside one; a leak only grows, so it still lifts the floor of the last third.
        End = Floor(timeline.TakeLast(Math.Max(Window, (timeline.Count + 2) / 3)).ToList(), timeline[^1].GcHeapBytes);
        Timeline = timeline;
        Stats = stats;
    }

    public TimeSpan WarmUp { get; }

    public ProcessSample Start { get; }

    public ProcessSample End { get; }

    public IReadOnlyList<ProcessSample> Timeline { get; }

    public ScenarioStats Stats { get; }

    /// <summary>Looks up a figure by threshold metric name.</summary>
    public double? Metric(string name) => name switch
    {
        "rss_start_mb" => Mb(Start.RssBytes),
        "rss_end_mb" => Mb(End.RssBytes),
        "rss_growth_pct" => Pct(Start.RssBytes, End.RssBytes),
        "gc_heap_start_mb" => Start.GcHeapBytes is { } s ? Mb(s) : null,
        "gc_heap_end_mb" => End.GcHeapBytes is { } e ? Mb(e) : null,
        "gc_heap_growth_pct" => Start.GcHeapBytes is { } s && End.GcHeapBytes is { } e ? Pct(s, e) : null,
        "handles_start" => Start.Handles,
        "handles_end" => End.Handles,
        "handles_growth" => End.Handles - Start.Handles,
        "sockets_start" => Start.Sockets,
        "sockets_end" => End.Sockets,
        "sockets_growth" => End.Sockets - Start.Sockets,
        "threads_start" => Start.Threads,
        "threads_end" => End.Threads,
        "threads_growth" => End.Threads - Start.Threads,
        "ok" => Stats.Ok,
        "fail" => Stats.Fail,
        "fail%" => Stats.Ok + Stats.Fail == 0 ? 0 : 100.0 * Stats.Fail / (Stats.Ok + Stats.Fail),
        "rps" => Stats.Duration.TotalSeconds > 0 ? (Stats.Ok + Stats.Fail) / Stats.Duration.TotalSeconds : 0,
        _ => null,
    };

    public IReadOnlyList<ThresholdResult> Evaluate(IEnumerable<Threshold> thresholds) => [.. thresholds.Select(t => t.Evaluate(Metric))];

    /// <summary>Markdown: the start/end table, the thresholds, the timeline and the call mix.</summary>
    public string ToMarkdown(string title, IReadOnlyList<ThresholdResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# {title}\n\n");
        sb.Append(inv, $"{Stats.Ok + Stats.Fail:N0} calls in {Stats.Duration.TotalMinutes:0.0} min ({Metric("rps"):0} req/s), {Stats.Fail} failed\n\n");
        sb.Append(inv, $"Start is the floor of the first {Window} samples after the warm-up, end the floor of the last third (GC heap: one dotnet-counters reading each).\n\n");
        sb.Append("| proxy process | after warm-up | end | change |\n|---|--:|--:|--:|\n");
        sb.Append(inv, $"| RSS MB | {Mb(Start.RssBytes):0.0} | {Mb(End.RssBytes):0.0} | {Pct(Start.RssBytes, End.RssBytes):+0.0;-0.0}% |\n");
        sb.Append(inv, $"| GC heap MB | {Heap(Start)} | {Heap(End)} | {(Metric("gc_heap_growth_pct") is { } g ? g.ToString("+0.0;-0.0", inv) + "%" : "-")} |\n");
        sb.Append(inv, $"| handles (fds) | {Start.Handles} | {End.Handles} | {End.Handles - Start.Handles:+0;-0} |\n");
        sb.Append(inv, $"| of which sockets | {Start.Sockets} | {End.Sockets} | {End.Sockets - Start.Sockets:+0;-0} |\n");
        sb.Append(inv, $"| threads | {Start.Threads} | {End.Threads} | {End.Threads - Start.Threads:+0;-0} |\n\n");
        sb.Append("| threshold | measured | passed |\n|---|--:|---|\n");
        foreach (var r in results)
        {
            sb.Append(inv, $"| `{r.Threshold.Text}` | {r.Actual?.ToString("0.##", inv) ?? "-"} | {(r.Passed ? "yes" : "NO")} |\n");
        }
        sb.Append("\n| t | RSS MB | GC heap MB | handles | sockets | threads | slowest call since the last sample, ms |\n|--:|--:|--:|--:|--:|--:|--:|\n");
        var previous = TimeSpan.Zero;
        foreach (var s in Timeline)
        {
            sb.Append(inv, $"| {s.At.TotalSeconds:0}s | {Mb(s.RssBytes):0.0} | {Heap(s)} | {s.Handles} | {s.Sockets} | {s.Threads} | {SlowestCall(previous, s.At):0} |\n");
            previous = s.At;
        }
        sb.Append("\n| call | count |\n|---|--:|\n");
        foreach (var (label, count) in Stats.Messages.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(inv, $"| {label} | {count:N0} |\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The floor of a few samples: a leak raises it, while a passing burst of concurrency (a stall on a shared machine
    /// piles up calls, and each holds a socket pair and buffers for a moment) does not.
    /// </summary>
    public static ProcessSample Floor(IReadOnlyList<ProcessSample> samples, long? gcHeap)
        => new(samples[^1].At, samples.Min(s => s.RssBytes), gcHeap, samples.Min(s => s.Handles), samples.Min(s => s.Threads), samples.Min(s => s.Sockets));

    /// <summary>The slowest call that ended between two samples: a stall of the machine shows here as a burst of sockets does above.</summary>
    private double SlowestCall(TimeSpan from, TimeSpan to)
    {
        double max = 0;
        foreach (var point in Stats.Timeline)
        {
            var at = TimeSpan.FromSeconds(point.Second) - WarmUp;
            if (at > from && at <= to && point.Max > max)
            {
                max = point.Max;
            }
        }
        return max;
    }

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private static double Pct(long from, long to) => from == 0 ? 0 : 100.0 * (to - from) / from;

    private static string Heap(ProcessSample s) => s.GcHeapBytes is { } h ? Mb(h).ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
