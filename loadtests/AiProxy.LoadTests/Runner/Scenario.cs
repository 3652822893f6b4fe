namespace AiProxy.LoadTests.Runner;

/// <summary>Entry point for scenario definitions, as NBomber's <c>Scenario</c>.</summary>
public static class Scenario
{
    /// <summary>Creates a scenario whose step is <paramref name="run"/>.</summary>
    public static ScenarioProps Create(string name, Func<IScenarioContext, Task<Response>> run)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(run);
        return new ScenarioProps(name, run);
    }
}
