namespace AiProxy.LoadTests.Runner;

/// <summary>Which load model a <see cref="LoadSimulation"/> follows.</summary>
public enum LoadSimulationKind
{
    /// <summary>Open model: a constant arrival rate, whatever the latency.</summary>
    Inject,

    /// <summary>Open model: the arrival rate moves linearly from the previous segment's rate to this one.</summary>
    RampingInject,

    /// <summary>Closed model: a fixed number of copies, each starting its next call when the previous ends.</summary>
    KeepConstant,

    /// <summary>Closed model: the number of copies moves linearly from the previous segment's to this one.</summary>
    RampingConstant,
}
