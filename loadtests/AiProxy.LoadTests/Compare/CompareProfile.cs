namespace AiProxy.LoadTests.Compare;

/// <summary>Durations and round counts of a comparison; <see cref="Quick"/> fits in under a minute.</summary>
internal sealed record CompareProfile(string Name, TimeSpan WarmUp, int Rounds, TimeSpan Duration, int StreamRounds, TimeSpan StreamDuration,
    int HitRounds, TimeSpan HitDuration, int RateRounds, TimeSpan RateDuration, int Users, int OpenStreams, TimeSpan SettleLimit)
{
    // After the fixed warm-up, a proxy gets more load (in steps of SettleStep, up to SettleLimit) while its tier-1 JIT
    // thread is still busy: on 2 shared cores AiProxy's hot methods take ~12 s of load to recompile (bare YARP's fewer),
    // and rounds measured before that carry JIT time in AiProxy's CPU per request.
    public static readonly TimeSpan SettleStep = TimeSpan.FromSeconds(2);

    /// <summary>Tier-1 JIT CPU per <see cref="SettleStep"/> under which a process counts as settled.</summary>
    public static readonly TimeSpan SettledJitCpu = TimeSpan.FromMilliseconds(40);

    public static CompareProfile Quick { get; } = new("quick", TimeSpan.FromSeconds(3), 3, TimeSpan.FromSeconds(1.5), 2, TimeSpan.FromSeconds(1.5),
        1, TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(2.5), 32, 1000, SettleLimit: TimeSpan.FromSeconds(2));

    public static CompareProfile Full { get; } = new("full", TimeSpan.FromSeconds(5), 5, TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(8),
        3, TimeSpan.FromSeconds(8), 3, TimeSpan.FromSeconds(10), 32, 1000, SettleLimit: TimeSpan.FromSeconds(30));
}
