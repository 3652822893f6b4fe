using System.Globalization;
using System.Net;
using System.Text;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Reports;

/// <summary>A self-contained HTML page: the Markdown table's numbers plus latency-over-time and percentile plots per scenario.</summary>
internal static class HtmlReport
{
    public static string Render(NodeStats node)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(node.TestName)).Append("</title>");
        sb.Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
          .Append("td:first-child{text-align:left}.fail{color:#c00}.pass{color:#080}</style></head><body>");
        sb.Append(inv, $"<h1>Load test {WebUtility.HtmlEncode(node.TestName)}</h1><p>Started {node.StartedAt:u}, {Environment.ProcessorCount} CPUs. Latency in ms; open-model latency counts from the scheduled send time. ");
        sb.Append(node.Passed ? "<b class=\"pass\">PASSED</b>" : "<b class=\"fail\">FAILED</b>").Append("</p>");
        sb.Append("<table><tr><th>scenario</th><th>ok</th><th>fail</th><th>rps</th><th>min</th><th>mean</th><th>p50</th><th>p75</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>ttft p50</th><th>gap p99</th></tr>");
        foreach (var s in node.ScenarioStats)
        {
            var l = s.Latency;
            sb.Append(inv, $"<tr><td>{WebUtility.HtmlEncode(s.ScenarioName)}</td><td>{s.Ok}</td><td>{s.Fail}</td><td>{s.Rps:0.0}</td><td>{l.Min:0.###}</td><td>{l.Mean:0.###}</td><td>{l.P50:0.###}</td><td>{l.P75:0.###}</td><td>{l.P95:0.###}</td><td>{l.P99:0.###}</td><td>{l.P999:0.###}</td><td>{l.Max:0.###}</td><td>{s.FirstToken?.P50:0.###}</td><td>{s.ChunkGaps?.P99:0.###}</td></tr>");
        }
        sb.Append("</table>");
        foreach (var s in node.ScenarioStats)
        {
            sb.Append("<h2>").Append(WebUtility.HtmlEncode(s.ScenarioName)).Append("</h2><p>");
            sb.Append(WebUtility.HtmlEncode("status codes: " + string.Join(", ", s.StatusCodes.Select(kv => $"{kv.Key} {kv.Value}"))));
            if (s.Messages.Count > 0)
            {
                sb.Append("<br>").Append(WebUtility.HtmlEncode("labels: " + string.Join(", ", s.Messages.Select(kv => $"{kv.Key} {kv.Value}"))));
            }
            foreach (var t in s.Thresholds)
            {
                sb.Append(inv, $"<br><span class=\"{(t.Passed ? "pass" : "fail")}\">{WebUtility.HtmlEncode(t.ToString())}</span>");
            }
            sb.Append("</p>");
            sb.Append(SvgPlot.Line("latency over time", "second", "ms",
            [
                ("p50", s.Timeline.Select(p => ((double)p.Second, p.P50)).ToList()),
                ("p99", s.Timeline.Select(p => ((double)p.Second, p.P99)).ToList()),
                ("max", s.Timeline.Select(p => ((double)p.Second, p.Max)).ToList()),
            ]));
            sb.Append(SvgPlot.Line("throughput over time", "second", "calls/s",
            [
                ("ok", s.Timeline.Select(p => ((double)p.Second, (double)p.Ok)).ToList()),
                ("fail", s.Timeline.Select(p => ((double)p.Second, (double)p.Fail)).ToList()),
            ]));
            // Percentiles on the usual log scale of 1/(1-p): 0, 90, 99, 99.9 … are evenly spaced.
            static double Nines(double p) => -Math.Log10(Math.Max(1 - (p / 100), 1e-5));
            sb.Append(SvgPlot.Line("latency by percentile", "percentile", "ms",
                [("latency", s.PercentileCurve.Select(p => (p.Percentile, p.Ms)).ToList())],
                [(0, "0"), (90, "90"), (99, "99"), (99.9, "99.9"), (99.99, "99.99")], Nines));
        }
        return sb.Append("</body></html>").ToString();
    }
}
