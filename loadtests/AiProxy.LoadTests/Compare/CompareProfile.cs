namespace AiProxy.LoadTests.Compare;

/// <summary>Durations and round counts of a comparison; <see cref="Quick"/> fits in under a minute.</summary>
internal sealed record CompareProfile(string Name, TimeSpan WarmUp, int Rounds, TimeSpan Duration, int StreamRounds, TimeSpan StreamDuration,
    int HitRounds, TimeSpan HitDuration, int RateRounds, TimeSpan RateDuration, int Users, int OpenStreams)
{
    // The proxies need ~3 s of load before tiered JIT/PGO settles; less warm-up inflates AiProxy's CPU ratio (it has more code to tier up).
    public static CompareProfile Quick { get; } = new("quick", TimeSpan.FromSeconds(3), 3, TimeSpan.FromSeconds(1.5), 2, TimeSpan.FromSeconds(1.5),
        1, TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(2.5), 32, 1000);

    public static CompareProfile Full { get; } = new("full", TimeSpan.FromSeconds(5), 5, TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(8),
        3, TimeSpan.FromSeconds(8), 3, TimeSpan.FromSeconds(10), 32, 1000);
}
