namespace AiProxy.LoadTests.Runner;

/// <summary>What a scenario step sees, as NBomber's <c>IScenarioContext</c> (the stream marks are our addition).</summary>
public interface IScenarioContext
{
    /// <summary>Name of the running scenario.</summary>
    string ScenarioName { get; }

    /// <summary>0-based number of this invocation within the run (warm-up included).</summary>
    long InvocationNumber { get; }

    /// <summary>Cancelled when the scenario ends; pass it to I/O.</summary>
    CancellationToken ScenarioCancellationToken { get; }

    /// <summary>Random numbers for this invocation (not shared across threads).</summary>
    Random Random { get; }

    /// <summary>Records the time to first token, from the scheduled start. Not in NBomber: drop it when porting.</summary>
    void MarkFirstToken();

    /// <summary>Records the gap since the first token or the previous chunk. Not in NBomber: drop it when porting.</summary>
    void MarkChunk();
}
