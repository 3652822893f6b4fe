using AiProxy.LoadTests.Compare;
using AiProxy.LoadTests.Runner;
using AiProxy.LoadTests.Scenarios;

namespace AiProxy.LoadTests.Cli;

/// <summary><c>run --scenario NAME</c>: one scenario against <c>--target</c>, or against a local mock + AiProxy started for the run.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CommandLine cli, CancellationToken token)
    {
        var name = cli.Get("scenario") ?? throw new FormatException("run needs --scenario NAME (see: list)");
        var info = ScenarioCatalog.Find(name) ?? throw new FormatException($"unknown scenario '{name}' (see: list)");
        if (info.Build is null)
        {
            Console.Error.WriteLine($"{info.Name}: {info.Description}");
            return 2;
        }
        if (cli.Has("rate") && cli.Has("users"))
        {
            throw new FormatException("--rate (open model) and --users (closed model) exclude each other");
        }
        var duration = CommandLine.ParseDuration(cli.Get("duration") ?? "30s");
        var load = cli.GetInt("rate") is { } rate
            ? Simulation.Inject(rate, TimeSpan.FromSeconds(1), duration)
            : Simulation.KeepConstant(cli.GetInt("users") ?? 32, duration);
        var warmUp = cli.Get("warmup") is { } w ? CommandLine.ParseDuration(w) : TimeSpan.FromSeconds(3);
        var outDir = cli.Get("out") ?? RepoLayout.DefaultResults;

        TargetStack? stack = null;
        Uri target;
        if (cli.Get("target") is { } url)
        {
            target = new Uri(url.EndsWith('/') ? url : url + "/");
        }
        else
        {
            Console.WriteLine("run: no --target: starting the mock upstream and AiProxy (aiproxy.loadtest.json) as Release processes");
            stack = await TargetStack.StartAsync(bare: false, aiProxy: true, Path.Combine(outDir, "logs"), aiProxyEnv: info.AiProxyEnv).ConfigureAwait(false);
            target = stack.AiProxy!.Url;
        }
        try
        {
            using var client = new LoadClient(target);
            var scenario = info.Build(client).WithWarmUpDuration(warmUp).WithLoadSimulations(load).WithThresholds([.. cli.Thresholds()]);
            var result = await NBomberRunner.RegisterScenarios(scenario)
                .WithTestName(info.Name)
                .WithReportFolder(outDir)
                .RunAsync(token).ConfigureAwait(false);
            foreach (var file in result.ReportFiles)
            {
                Console.WriteLine($"report: {file}");
            }
            Console.WriteLine(result.Passed ? "thresholds: passed" : "thresholds: FAILED");
            return result.Passed ? 0 : 1;
        }
        finally
        {
            if (stack is not null)
            {
                await stack.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
