using AiProxy.LoadTests.Runner;

namespace AiProxy.LoadTests.Compare;

/// <summary>One measured run of one scenario against one target, with the CPU the serving process spent meanwhile.</summary>
internal sealed record Measurement(string Phase, string Target, int Round, ScenarioStats Stats, TimeSpan Cpu)
{
    /// <summary>CPU time of the target process per call, in microseconds.</summary>
    public double CpuMicrosecondsPerRequest => Stats.All > 0 ? Cpu.TotalMicroseconds / Stats.All : 0;
}
