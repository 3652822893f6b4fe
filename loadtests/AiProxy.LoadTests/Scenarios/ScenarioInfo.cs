using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Scenarios;

/// <summary>A named scenario of the catalog; <see cref="Build"/> is null for a placeholder.</summary>
internal sealed record ScenarioInfo(string Name, string Description, bool NeedsAiProxy, Func<LoadClient, ScenarioProps>? Build,
    IReadOnlyDictionary<string, string>? AiProxyEnv = null);
