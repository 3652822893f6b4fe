namespace AiProxy.LoadTests.Runner;

/// <summary>Entry point of a run, as NBomber's <c>NBomberRunner</c>.</summary>
public static class NBomberRunner
{
    /// <summary>Registers the scenarios of a run; they run one after the other.</summary>
    public static NBomberContext RegisterScenarios(params ScenarioProps[] scenarios) =>
        scenarios.Length > 0 ? new NBomberContext(scenarios) : throw new ArgumentException("at least one scenario", nameof(scenarios));
}
