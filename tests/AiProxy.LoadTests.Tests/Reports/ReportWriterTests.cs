using AiProxy.LoadTests.Reports;
using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Tests.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "aiproxy-lt-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Write_AllFormats_WritesTablesAndPlots()
    {
        var node = new NodeStats("unit", DateTimeOffset.UnixEpoch, [Stats()], []);

        var files = ReportWriter.Write(node, _dir, "r", [ReportFormat.Md, ReportFormat.Csv, ReportFormat.Html]);

        Assert.Equal(4, files.Count);
        var md = File.ReadAllText(Path.Combine(_dir, "r.md"));
        Assert.Contains("| chat, \"quoted\" | 10 | 1 |", md);
        Assert.Contains("↳ first token", md);
        var csv = File.ReadLines(Path.Combine(_dir, "r.csv")).ToList();
        Assert.StartsWith("scenario,ok,fail,rps", csv[0]);
        Assert.StartsWith("\"chat, \"\"quoted\"\"\",10,1,", csv[1]);
        Assert.Equal(3, File.ReadLines(Path.Combine(_dir, "r.timeline.csv")).Count());
        var html = File.ReadAllText(Path.Combine(_dir, "r.html"));
        Assert.Equal(3, html.Split("<svg").Length - 1);
        Assert.Contains("<polyline", html);
        Assert.Contains("FAIL p99&lt;1ms", html);
    }

    private static ScenarioStats Stats()
    {
        var collector = new ScenarioStatsCollector();
        for (var i = 1; i <= 10; i++)
        {
            collector.Record(Response.Ok("200", 100), TimeSpan.FromMilliseconds(i));
        }
        collector.Record(Response.Fail("500", "boom"), TimeSpan.FromMilliseconds(1));
        collector.RecordFirstToken(TimeSpan.FromMilliseconds(2));
        var stats = collector.Build("chat, \"quoted\"", TimeSpan.FromSeconds(2)) with { };
        stats = stats with
        {
            Timeline = [new TimelinePoint(0, 5, 0, 2, 4, 5), new TimelinePoint(1, 5, 1, 3, 9, 10)],
        };
        return stats with { Thresholds = [Threshold.Parse("p99<1ms").Evaluate(stats.Metric)] };
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
