namespace AiProxy.LoadTests.Runner;

/// <summary>Load simulations with NBomber's names.</summary>
public static class Simulation
{
    /// <summary>Open model: <paramref name="rate"/> invocations every <paramref name="interval"/> for <paramref name="during"/>.</summary>
    public static LoadSimulation Inject(int rate, TimeSpan interval, TimeSpan during) => new(LoadSimulationKind.Inject, Check(rate), CheckInterval(interval), during);

    /// <summary>Open model ramping linearly from the previous rate (0 at the start) to <paramref name="rate"/>.</summary>
    public static LoadSimulation RampingInject(int rate, TimeSpan interval, TimeSpan during) => new(LoadSimulationKind.RampingInject, Check(rate), CheckInterval(interval), during);

    /// <summary>Closed model: <paramref name="copies"/> concurrent copies for <paramref name="during"/>.</summary>
    public static LoadSimulation KeepConstant(int copies, TimeSpan during) => new(LoadSimulationKind.KeepConstant, Check(copies), TimeSpan.Zero, during);

    /// <summary>Closed model ramping linearly from the previous number of copies (0 at the start) to <paramref name="copies"/>.</summary>
    public static LoadSimulation RampingConstant(int copies, TimeSpan during) => new(LoadSimulationKind.RampingConstant, Check(copies), TimeSpan.Zero, during);

    /// <summary>Closed model bounded by a request count instead of a duration.</summary>
    public static LoadSimulation IterationsForConstant(int copies, long iterations) => new(LoadSimulationKind.KeepConstant, Check(copies), TimeSpan.Zero, TimeSpan.MaxValue, CheckIterations(iterations));

    /// <summary>Open model bounded by a request count instead of a duration.</summary>
    public static LoadSimulation IterationsForInject(int rate, TimeSpan interval, long iterations) => new(LoadSimulationKind.Inject, Check(rate), CheckInterval(interval), TimeSpan.MaxValue, CheckIterations(iterations));

    private static int Check(int value) => value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "must be ≥ 0");

    private static long CheckIterations(long value) => value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "must be > 0");

    private static TimeSpan CheckInterval(TimeSpan interval) => interval > TimeSpan.Zero ? interval : throw new ArgumentOutOfRangeException(nameof(interval), "must be > 0");
}
