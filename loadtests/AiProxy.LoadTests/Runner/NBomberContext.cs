using System.Diagnostics;
using AiProxy.LoadTests.Reports;

namespace AiProxy.LoadTests.Runner;

/// <summary>Run settings, as NBomber's <c>NBomberContext</c>: each <c>With…</c> returns a changed copy; <see cref="Run"/> executes.</summary>
public sealed record NBomberContext
{
    internal NBomberContext(IReadOnlyList<ScenarioProps> scenarios) => Scenarios = scenarios;

    /// <summary>Scenarios in run order.</summary>
    public IReadOnlyList<ScenarioProps> Scenarios { get; init; }

    /// <summary>Name of the run, used in reports.</summary>
    public string TestName { get; init; } = "aiproxy";

    /// <summary>Folder for report files.</summary>
    public string ReportFolder { get; init; } = Path.Combine("loadtests", "results");

    /// <summary>File name (without extension) of the reports.</summary>
    public string? ReportFileName { get; init; }

    /// <summary>Report formats written.</summary>
    public IReadOnlyList<ReportFormat> ReportFormats { get; init; } = [ReportFormat.Md, ReportFormat.Csv, ReportFormat.Html];

    /// <summary>Whether a live table is drawn while running (only on an interactive terminal).</summary>
    public bool LiveProgress { get; init; } = true;

    /// <summary>Sets the test name.</summary>
    public NBomberContext WithTestName(string name) => this with { TestName = name };

    /// <summary>Sets the report folder.</summary>
    public NBomberContext WithReportFolder(string folder) => this with { ReportFolder = folder };

    /// <summary>Sets the report file name.</summary>
    public NBomberContext WithReportFileName(string name) => this with { ReportFileName = name };

    /// <summary>Sets the report formats.</summary>
    public NBomberContext WithReportFormats(params ReportFormat[] formats) => this with { ReportFormats = formats };

    /// <summary>Writes no report.</summary>
    public NBomberContext WithoutReports() => this with { ReportFormats = [] };

    /// <summary>Turns the live table off or on.</summary>
    public NBomberContext WithLiveProgress(bool enabled) => this with { LiveProgress = enabled };

    /// <summary>Runs the scenarios and writes the reports.</summary>
    public NodeStats Run() => RunAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs the scenarios and writes the reports.</summary>
    public async Task<NodeStats> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var results = new List<ScenarioStats>();
        foreach (var scenario in Scenarios)
        {
            var engine = new ScenarioEngine(scenario);
            var run = engine.RunAsync(cancellationToken);
            var stats = LiveProgress ? await LiveView.ShowAsync(scenario, engine, run).ConfigureAwait(false) : await run.ConfigureAwait(false);
            results.Add(stats);
            ConsoleSummary.Write(stats);
        }
        var node = new NodeStats(TestName, startedAt, results, []);
        var files = ReportFormats.Count > 0 ? ReportWriter.Write(node, ReportFolder, ReportFileName ?? $"{TestName}-{startedAt:yyyyMMdd'T'HHmmss'Z'}", ReportFormats) : [];
        return node with { ReportFiles = files };
    }
}
