using AiProxy.LoadTests.Cli;
using AiProxy.LoadTests.Compare;
using AiProxy.LoadTests.Runner;
using AiProxy.LoadTests.Scenarios;

namespace AiProxy.LoadTests.Soak;

/// <summary>
/// <c>soak [--quick] [--duration 10m] [--rate N] [--out DIR]</c>: the soak mix at a steady open-model rate against a mock +
/// AiProxy started for the run; the proxy's RSS, GC heap, handles and threads when the warm-up ends and at the end of the
/// same continuous load decide whether it leaks.
/// </summary>
internal static class SoakCommand
{
    public static async Task<int> RunAsync(CommandLine cli, CancellationToken token)
    {
        var quick = cli.Has("quick");
        var duration = cli.Get("duration") is { } d ? CommandLine.ParseDuration(d) : quick ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(10);
        var warmUp = cli.Get("warmup") is { } w ? CommandLine.ParseDuration(w) : quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(30);
        var rate = cli.GetInt("rate") ?? 300;
        var outDir = cli.Get("out") ?? RepoLayout.DefaultResults;
        var thresholds = cli.Thresholds() is { Count: > 0 } given ? given : [.. SoakReport.DefaultThresholds.Select(Threshold.Parse)];
        Directory.CreateDirectory(outDir);

        Console.WriteLine($"soak: {rate} calls/s for {duration} after a {warmUp} warm-up; starting the mock upstream and AiProxy (Release)");
        await using var stack = await TargetStack.StartAsync(bare: false, aiProxy: true, Path.Combine(outDir, "logs")).ConfigureAwait(false);
        var proxy = stack.AiProxy!;
        using var client = new LoadClient(proxy.Url);

        // One continuous load: the warm-up is its start, so connection pools, caches and JIT tiers are settled under the
        // same traffic when the baseline is taken (a pause between two runs lets the pools shrink and regrow).
        var timeline = new List<ProcessSample>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var measured = RunLoadAsync(SoakScenario.Create(client), rate, warmUp + duration, outDir, stop.Token);
        var sampler = SampleAsync(proxy.Id, warmUp, duration, timeline, stop.Token);
        var node = await measured.ConfigureAwait(false);
        await sampler.ConfigureAwait(false);

        var report = new SoakReport(timeline, node.ScenarioStats[0], warmUp);
        var results = report.Evaluate(thresholds);
        var title = $"Soak {(quick ? "(quick) " : string.Empty)}{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {rate} calls/s, {duration.TotalMinutes:0.#} min";
        var markdown = report.ToMarkdown(title, results);
        var file = Path.Combine(outDir, $"soak-{(quick ? "quick" : "full")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, markdown, token).ConfigureAwait(false);
        Console.WriteLine(markdown);
        Console.WriteLine($"report: {file}");
        var passed = results.All(r => r.Passed);
        Console.WriteLine(passed ? "thresholds: passed" : "thresholds: FAILED");
        return passed ? 0 : 1;
    }

    private static Task<NodeStats> RunLoadAsync(ScenarioProps scenario, int rate, TimeSpan duration, string outDir, CancellationToken token)
        => NBomberRunner.RegisterScenarios(scenario.WithoutWarmUp().WithLoadSimulations(Simulation.Inject(rate, TimeSpan.FromSeconds(1), duration)))
            .WithTestName(scenario.ScenarioName)
            .WithReportFolder(outDir)
            .WithReportFormats(ReportFormat.Md)
            .WithLiveProgress(false)
            .RunAsync(token);

    /// <summary>Samples the proxy: the first (with GC heap) when the warm-up ends, then every interval, the last (with GC heap) shortly before the load stops.</summary>
    private static async Task SampleAsync(int pid, TimeSpan warmUp, TimeSpan duration, List<ProcessSample> timeline,
        CancellationToken token)
    {
        var started = DateTime.UtcNow + warmUp;
        TimeSpan Elapsed() => DateTime.UtcNow - started;
        var interval = duration >= TimeSpan.FromMinutes(5) ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(10);
        // The end sample (with its ~3 s dotnet-counters session) must finish while the load still runs.
        var endAt = duration - TimeSpan.FromSeconds(8);

        // The first dotnet-counters session makes the runtime load its metrics listener (a burst of assembly handles):
        // prime it during the warm-up so that burst is not counted as growth.
        var prime = warmUp - TimeSpan.FromSeconds(6);
        if (prime > TimeSpan.Zero)
        {
            await Task.Delay(prime, token).ConfigureAwait(false);
            await ProcessProbe.SampleAsync(pid, Elapsed(), withGcHeap: true, token).ConfigureAwait(false);
        }
        var rest = started - DateTime.UtcNow;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, token).ConfigureAwait(false);
        }
        var start = await ProcessProbe.SampleAsync(pid, Elapsed(), withGcHeap: true, token).ConfigureAwait(false);
        timeline.Add(start);
        while (Elapsed() + interval < endAt)
        {
            await Task.Delay(interval, token).ConfigureAwait(false);
            timeline.Add(await ProcessProbe.SampleAsync(pid, Elapsed(), withGcHeap: false, token).ConfigureAwait(false));
        }
        var wait = endAt - Elapsed();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, token).ConfigureAwait(false);
        }
        timeline.Add(await ProcessProbe.SampleAsync(pid, Elapsed(), withGcHeap: true, token).ConfigureAwait(false));
    }
}
