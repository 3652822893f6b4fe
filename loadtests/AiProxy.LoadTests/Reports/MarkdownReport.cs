using System.Globalization;
using System.Text;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Reports;

/// <summary>A Markdown report: one stats table per run, then status codes, labels and thresholds per scenario.</summary>
internal static class MarkdownReport
{
    public static string Render(NodeStats node)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"# Load test {node.TestName}\n\nStarted {node.StartedAt:u} on {Environment.MachineName}, {Environment.ProcessorCount} CPUs. ");
        sb.Append("Latency in ms; open-model latency counts from the scheduled send time.\n\n");
        sb.Append("| scenario | ok | fail | rps | min | mean | p50 | p75 | p95 | p99 | p99.9 | max | MB |\n");
        sb.Append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        foreach (var s in node.ScenarioStats)
        {
            var l = s.Latency;
            sb.Append(inv, $"| {s.ScenarioName} | {s.Ok} | {s.Fail} | {s.Rps:0.0} | {l.Min:0.###} | {l.Mean:0.###} | {l.P50:0.###} | {l.P75:0.###} | {l.P95:0.###} | {l.P99:0.###} | {l.P999:0.###} | {l.Max:0.###} | {s.Bytes / 1048576.0:0.00} |\n");
            if (s.FirstToken is { } t)
            {
                sb.Append(inv, $"| ↳ first token | {t.Count} | | | {t.Min:0.###} | {t.Mean:0.###} | {t.P50:0.###} | {t.P75:0.###} | {t.P95:0.###} | {t.P99:0.###} | {t.P999:0.###} | {t.Max:0.###} | |\n");
            }
            if (s.ChunkGaps is { } g)
            {
                sb.Append(inv, $"| ↳ chunk gap | {g.Count} | | | {g.Min:0.###} | {g.Mean:0.###} | {g.P50:0.###} | {g.P75:0.###} | {g.P95:0.###} | {g.P99:0.###} | {g.P999:0.###} | {g.Max:0.###} | |\n");
            }
        }
        foreach (var s in node.ScenarioStats)
        {
            sb.Append(inv, $"\n## {s.ScenarioName}\n\n");
            sb.Append("Status codes: ").Append(string.Join(", ", s.StatusCodes.Select(kv => $"`{kv.Key}` {kv.Value}"))).Append('\n');
            if (s.Messages.Count > 0)
            {
                sb.Append("\nLabels: ").Append(string.Join(", ", s.Messages.Select(kv => $"`{kv.Key}` {kv.Value}"))).Append('\n');
            }
            foreach (var f in s.FailSamples)
            {
                sb.Append("\n- fail: ").Append(f);
            }
            foreach (var t in s.Thresholds)
            {
                sb.Append("\n- ").Append(t);
            }
            sb.Append('\n');
        }
        sb.Append(inv, $"\n**{(node.Passed ? "PASSED" : "FAILED")}**\n");
        return sb.ToString();
    }
}
