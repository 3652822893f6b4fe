namespace AiProxy.LoadTests.Runner;

/// <summary>One segment of a scenario's load: built by <see cref="Simulation"/>.</summary>
/// <param name="Kind">Open or closed model, constant or ramping.</param>
/// <param name="Value">Arrivals per <paramref name="Interval"/> (inject) or copies (constant).</param>
/// <param name="Interval">Interval the injection rate refers to; zero for the closed model.</param>
/// <param name="During">Length of the segment; <see cref="TimeSpan.MaxValue"/> when bounded by <paramref name="Iterations"/> only.</param>
/// <param name="Iterations">Optional bound on the number of invocations in this segment.</param>
public sealed record LoadSimulation(LoadSimulationKind Kind, int Value, TimeSpan Interval, TimeSpan During, long? Iterations = null)
{
    /// <summary>Whether the segment is the open model (arrival rate) rather than the closed one (copies).</summary>
    public bool IsOpen => Kind is LoadSimulationKind.Inject or LoadSimulationKind.RampingInject;

    /// <summary>Arrivals per second for the open model.</summary>
    public double RatePerSecond => IsOpen ? Value / Interval.TotalSeconds : 0;
}
