namespace AiProxy.LoadTests.Runner;

/// <summary>Results of a run, as NBomber's <c>NodeStats</c>.</summary>
public sealed record NodeStats(string TestName, DateTimeOffset StartedAt, IReadOnlyList<ScenarioStats> ScenarioStats, IReadOnlyList<string> ReportFiles)
{
    /// <summary>Whether every threshold of every scenario passed.</summary>
    public bool Passed => ScenarioStats.All(s => s.Thresholds.All(t => t.Passed));

    /// <summary>Ok invocations of all scenarios.</summary>
    public long AllOkCount => ScenarioStats.Sum(s => s.Ok);

    /// <summary>Failed invocations of all scenarios.</summary>
    public long AllFailCount => ScenarioStats.Sum(s => s.Fail);

    /// <summary>Finds a scenario's stats by name.</summary>
    public ScenarioStats GetScenarioStats(string name) => ScenarioStats.First(s => s.ScenarioName == name);
}
