using System.Globalization;
using Spectre.Console;

namespace AiProxy.LoadTests.Runner;

/// <summary>Prints a scenario's stats and threshold outcomes as Spectre.Console tables.</summary>
internal static class ConsoleSummary
{
    public static void Write(ScenarioStats s)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Simple).Title($"[bold]{Markup.Escape(s.ScenarioName)}[/]");
        table.AddColumns("", "ok", "fail", "rps", "min", "mean", "p50", "p75", "p95", "p99", "p99.9", "max");
        void Row(string name, LatencyStats l, bool counts) => table.AddRow(
            name,
            counts ? s.Ok.ToString(inv) : l.Count.ToString(inv),
            counts ? (s.Fail > 0 ? $"[red]{s.Fail}[/]" : "0") : "",
            counts ? s.Rps.ToString("0.0", inv) : "",
            F(l.Min), F(l.Mean), F(l.P50), F(l.P75), F(l.P95), F(l.P99), F(l.P999), F(l.Max));
        Row("latency ms", s.Latency, true);
        if (s.FirstToken is { } ttft)
        {
            Row("first token ms", ttft, false);
        }
        if (s.ChunkGaps is { } gaps)
        {
            Row("chunk gap ms", gaps, false);
        }
        AnsiConsole.Write(table);
        var codes = string.Join("  ", s.StatusCodes.Select(kv => $"{kv.Key}: {kv.Value}"));
        AnsiConsole.MarkupLine($"  status codes: {Markup.Escape(codes)}   data: {s.Bytes / 1024.0 / 1024.0:0.00} MB   duration: {s.Duration.TotalSeconds:0.0} s");
        if (s.Messages.Count > 0)
        {
            AnsiConsole.MarkupLine($"  labels: {Markup.Escape(string.Join("  ", s.Messages.Select(kv => $"{kv.Key}: {kv.Value}")))}");
        }
        foreach (var sample in s.FailSamples)
        {
            AnsiConsole.MarkupLine($"  [red]fail:[/] {Markup.Escape(sample)}");
        }
        foreach (var t in s.Thresholds)
        {
            AnsiConsole.MarkupLine(t.Passed ? $"  [green]{Markup.Escape(t.ToString())}[/]" : $"  [red]{Markup.Escape(t.ToString())}[/]");
        }
    }

    private static string F(double ms) => ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
