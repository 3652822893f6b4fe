namespace AiProxy.LoadTests.Runner;

/// <summary>An immutable scenario definition, as NBomber's <c>ScenarioProps</c>: each <c>With…</c> returns a changed copy.</summary>
public sealed record ScenarioProps
{
    internal ScenarioProps(string name, Func<IScenarioContext, Task<Response>> run)
    {
        ScenarioName = name;
        Run = run;
    }

    /// <summary>Name used in reports and thresholds.</summary>
    public string ScenarioName { get; init; }

    /// <summary>The step: one invocation.</summary>
    public Func<IScenarioContext, Task<Response>> Run { get; init; }

    /// <summary>Load run first, its stats discarded.</summary>
    /// <value>3 seconds (NBomber's default is 30 s; our scenarios are short).</value>
    public TimeSpan WarmUpDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Load segments, run one after the other.</summary>
    /// <value>One copy for one minute, as NBomber.</value>
    public IReadOnlyList<LoadSimulation> LoadSimulations { get; init; } = [Simulation.KeepConstant(1, TimeSpan.FromMinutes(1))];

    /// <summary>Runs once before the warm-up.</summary>
    public Func<CancellationToken, Task>? Init { get; init; }

    /// <summary>Runs once after the measurement, even when it failed.</summary>
    public Func<Task>? Clean { get; init; }

    /// <summary>Checks applied to this scenario's stats; a failed one makes the run fail.</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    /// <summary>Sets the warm-up duration.</summary>
    public ScenarioProps WithWarmUpDuration(TimeSpan duration) => this with { WarmUpDuration = duration };

    /// <summary>Skips the warm-up.</summary>
    public ScenarioProps WithoutWarmUp() => this with { WarmUpDuration = TimeSpan.Zero };

    /// <summary>Sets the load segments.</summary>
    public ScenarioProps WithLoadSimulations(params LoadSimulation[] simulations) =>
        simulations.Length > 0 ? this with { LoadSimulations = simulations } : throw new ArgumentException("at least one simulation", nameof(simulations));

    /// <summary>Sets the init step.</summary>
    public ScenarioProps WithInit(Func<CancellationToken, Task> init) => this with { Init = init };

    /// <summary>Sets the clean step.</summary>
    public ScenarioProps WithClean(Func<Task> clean) => this with { Clean = clean };

    /// <summary>Adds thresholds such as <c>p99&lt;50ms</c> or <c>fail&lt;0.1%</c>.</summary>
    public ScenarioProps WithThresholds(params Threshold[] thresholds) => this with { Thresholds = [.. Thresholds, .. thresholds] };
}
