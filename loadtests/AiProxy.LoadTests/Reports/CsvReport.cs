using System.Globalization;
using System.Text;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Reports;

/// <summary>CSV reports: one row per scenario, and one row per scenario-second.</summary>
internal static class CsvReport
{
    public static string RenderSummary(NodeStats node)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("scenario,ok,fail,rps,min_ms,mean_ms,p50_ms,p75_ms,p95_ms,p99_ms,p99_9_ms,max_ms,bytes,ttft_p50_ms,ttft_p99_ms,gap_p50_ms,gap_p99_ms,status_codes\n");
        foreach (var s in node.ScenarioStats)
        {
            var l = s.Latency;
            var codes = string.Join(' ', s.StatusCodes.Select(kv => $"{kv.Key}={kv.Value}"));
            sb.Append(inv, $"{Quote(s.ScenarioName)},{s.Ok},{s.Fail},{s.Rps:0.###},{l.Min},{l.Mean:0.###},{l.P50},{l.P75},{l.P95},{l.P99},{l.P999},{l.Max},{s.Bytes},");
            sb.Append(inv, $"{s.FirstToken?.P50},{s.FirstToken?.P99},{s.ChunkGaps?.P50},{s.ChunkGaps?.P99},{Quote(codes)}\n");
        }
        return sb.ToString();
    }

    public static string RenderTimeline(NodeStats node)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("scenario,second,ok,fail,p50_ms,p99_ms,max_ms\n");
        foreach (var s in node.ScenarioStats)
        {
            foreach (var p in s.Timeline)
            {
                sb.Append(inv, $"{Quote(s.ScenarioName)},{p.Second},{p.Ok},{p.Fail},{p.P50},{p.P99},{p.Max}\n");
            }
        }
        return sb.ToString();
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
