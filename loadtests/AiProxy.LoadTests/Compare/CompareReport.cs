using System.Globalization;
using System.Text;

namespace AiProxy.LoadTests.Compare;

/// <summary>The figures of a comparison, as named metrics (for thresholds) and per-target rows (for tables).</summary>
internal sealed class CompareReport
{
    public required string Profile { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required IReadOnlyList<Measurement> Measurements { get; init; }

    /// <summary>Named figures: ratios, added milliseconds, megabytes.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>The issue's targets: metric, rule, description.</summary>
    public static IReadOnlyList<(string Rule, string What)> Targets { get; } =
    [
        ("cpu_ratio<=1.2", "cache miss: AiProxy CPU per request / bare YARP's"),
        ("rps_ratio>=0.9", "cache miss: AiProxy throughput / bare YARP's"),
        ("stream_rps_ratio>=1.0", "streaming: AiProxy throughput / bare YARP's"),
        ("ttft_added_ms<=1", "streaming, one stream at a time: AiProxy TTFT p50 − upstream's (ms)"),
        ("hit_ratio>=3", "cache hit throughput / bare YARP pass-through"),
        ("p99_added_ms<=0.5", "p99 added over bare YARP at half bare's max rate (ms)"),
        ("idle_rss_mb<=100", "AiProxy idle RSS (MB)"),
        ("streams_rss_mb<=250", "AiProxy RSS with 1,000 open streams (MB)"),
    ];

    public double? Metric(string name) => Metrics.TryGetValue(name, out var v) ? v : null;

    /// <summary>Median per phase and target of throughput, latency and CPU/request.</summary>
    public IEnumerable<(string Phase, string Target, double Rps, double P50, double P99, double CpuUs, double TtftP50, long Fail)> Rows() =>
        Measurements.GroupBy(m => (m.Phase, m.Target)).Select(g => (
            g.Key.Phase, g.Key.Target,
            Median(g.Select(m => m.Stats.Rps)),
            Median(g.Select(m => m.Stats.Latency.P50)),
            Median(g.Select(m => m.Stats.Latency.P99)),
            Median(g.Select(m => m.CpuMicrosecondsPerRequest)),
            Median(g.Select(m => m.Stats.FirstToken?.P50 ?? double.NaN)),
            g.Sum(m => m.Stats.Fail)));

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# compare ({Profile})\n\nStarted {StartedAt:u}, {Environment.ProcessorCount} CPUs, load generator and all targets on this machine. ");
        sb.Append("Medians over alternating rounds; CPU is the serving process's user+system time per request (µs); latency in ms.\n\n");
        sb.Append("| phase | target | req/s | p50 | p99 | CPU µs/req | TTFT p50 | fail |\n|---|---|--:|--:|--:|--:|--:|--:|\n");
        foreach (var r in Rows())
        {
            sb.Append(inv, $"| {r.Phase} | {r.Target} | {r.Rps:0} | {r.P50:0.###} | {r.P99:0.###} | {r.CpuUs:0.0} | {(double.IsNaN(r.TtftP50) ? "" : r.TtftP50.ToString("0.###", inv))} | {r.Fail} |\n");
        }
        sb.Append("\n| figure | value |\n|---|--:|\n");
        foreach (var (k, v) in Metrics.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(inv, $"| {k} | {v:0.###} |\n");
        }
        sb.Append("\n| issue target | measured | met |\n|---|--:|---|\n");
        foreach (var (rule, what) in Targets)
        {
            var result = Runner.Threshold.Parse(rule).Evaluate(Metric);
            sb.Append(inv, $"| {what}: `{rule}` | {result.Actual:0.###} | {(result.Passed ? "yes" : "no")} |\n");
        }
        return sb.ToString();
    }
}
