using AiProxy.LoadTests.Cli;
using AiProxy.LoadTests.Compare;
using AiProxy.LoadTests.Scenarios;
using AiProxy.LoadTests.Soak;

// dotnet run -c Release --project loadtests/AiProxy.LoadTests -- list | run --scenario NAME … | compare [--quick] [--out DIR] | soak [--quick]
if (Console.IsOutputRedirected)
{
    // CI logs: do not wrap tables at 80 columns.
    Spectre.Console.AnsiConsole.Profile.Width = 160;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: stop the load and let the children be disposed; a second one ends the process at once.
    if (!cts.IsCancellationRequested)
    {
        e.Cancel = true;
        cts.Cancel();
    }
};

try
{
    var cli = CommandLine.Parse(args);
    switch (cli.Command)
    {
        case "list":
            foreach (var s in ScenarioCatalog.All)
            {
                Console.WriteLine($"{s.Name,-14} {(s.NeedsAiProxy ? "[aiproxy]" : "[any]    ")} {s.Description}");
            }
            return 0;
        case "run":
            return await RunCommand.RunAsync(cli, cts.Token);
        case "soak":
            return await SoakCommand.RunAsync(cli, cts.Token);
        case "compare":
            var profile = cli.Has("quick") ? CompareProfile.Quick : CompareProfile.Full;
            return await CompareCommand.RunAsync(profile, cli.Get("out") ?? RepoLayout.DefaultResults, cli.Thresholds(), cts.Token);
        default:
            Console.WriteLine("""
                usage: dotnet run -c Release --project loadtests/AiProxy.LoadTests -- COMMAND
                  list                                   scenarios
                  run --scenario NAME [--rate N | --users N] [--duration 30s] [--warmup 3s]
                      [--threshold "p99<50ms"] [--threshold "fail<0.1%"] [--target URL] [--out DIR]
                  compare [--quick] [--out DIR] [--threshold "cpu_ratio<=2.4"] …
                  soak [--quick] [--duration 10m] [--warmup 30s] [--rate 300] [--out DIR] [--threshold "rss_growth_pct<=10"] …
                thresholds: METRIC OP VALUE[unit]; run metrics: ok fail rps min mean p50 p75 p95 p99 p99.9 max ttft_p50 gap_p99 …;
                compare metrics: cpu_ratio rps_ratio p50_ratio p99_ratio stream_rps_ratio stream_cpu_ratio ttft_added_ms hit_ratio
                                 hit_share_pct p99_added_ms idle_rss_mb streams_rss_mb fail
                """);
            return cli.Command == "help" ? 0 : 2;
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"aiproxy-loadtests: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    // A target that would not start or died mid-run: say which and why, no stack trace.
    Console.Error.WriteLine($"aiproxy-loadtests: {ex.Message}");
    return 3;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    Console.Error.WriteLine("aiproxy-loadtests: cancelled");
    return 130;
}
