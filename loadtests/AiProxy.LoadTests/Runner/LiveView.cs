using Spectre.Console;

namespace AiProxy.LoadTests.Runner;

/// <summary>A Spectre.Console live table refreshed twice a second while a scenario runs; a plain line every 5 s when not on a terminal.</summary>
internal static class LiveView
{
    public static async Task<ScenarioStats> ShowAsync(ScenarioProps scenario, ScenarioEngine engine, Task<ScenarioStats> run)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(5000)).ConfigureAwait(false);
                if (!run.IsCompleted && engine.Current is { } c)
                {
                    Console.WriteLine($"  {scenario.ScenarioName} {(engine.Measuring ? "measuring" : "warm-up")} {c.Elapsed.TotalSeconds:0}s ok {c.Ok} fail {c.Fail}");
                }
            }
            return await run.ConfigureAwait(false);
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(scenario.ScenarioName)}[/]");
        foreach (var column in new[] { "phase", "elapsed", "ok", "fail", "rps", "p50 ms", "p99 ms" })
        {
            table.AddColumn(column);
        }
        table.AddRow("", "", "", "", "", "", "");
        await AnsiConsole.Live(table).StartAsync(async ctx =>
        {
            long lastCount = 0;
            var lastTime = TimeSpan.Zero;
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(500)).ConfigureAwait(false);
                if (engine.Current is not { } c)
                {
                    continue;
                }
                var elapsed = c.Elapsed;
                var count = c.Ok + c.Fail;
                var rps = elapsed > lastTime && count >= lastCount ? (count - lastCount) / (elapsed - lastTime).TotalSeconds : 0;
                (lastCount, lastTime) = (count, elapsed);
                var l = c.LatencyNow();
                table.UpdateCell(0, 0, engine.Measuring ? "[green]measuring[/]" : "[yellow]warm-up[/]");
                table.UpdateCell(0, 1, $"{elapsed.TotalSeconds:0.0}s");
                table.UpdateCell(0, 2, c.Ok.ToString());
                table.UpdateCell(0, 3, c.Fail > 0 ? $"[red]{c.Fail}[/]" : "0");
                table.UpdateCell(0, 4, $"{rps:0}");
                table.UpdateCell(0, 5, $"{l.P50:0.00}");
                table.UpdateCell(0, 6, $"{l.P99:0.00}");
                ctx.Refresh();
            }
        }).ConfigureAwait(false);
        return await run.ConfigureAwait(false);
    }
}
