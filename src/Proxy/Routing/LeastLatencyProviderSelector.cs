namespace AiProxy.Routing;

/// <summary>
/// <c>Balance: least-latency</c>: the provider with the lowest smoothed time to first byte goes first. A provider that
/// has not been measured for <see cref="ReprobeAfter"/> gets one request (one per interval, route-wide) so that a
/// single slow sample cannot starve it for good; <see cref="ProviderRuntime.RecordLatency"/> lets that fresh sample
/// outweigh a stale estimate.
/// </summary>
internal sealed class LeastLatencyProviderSelector : IProviderSelector
{
    /// <summary>The default time after which a provider that is not being chosen is measured again.</summary>
    public static readonly TimeSpan DefaultReprobeAfter = TimeSpan.FromSeconds(30);

    private readonly ProviderRuntime[] _providers;
    private readonly TimeProvider _time;
    private readonly long _reprobeTicks;
    private readonly long[] _lastProbe;

    public LeastLatencyProviderSelector(ProviderRuntime[] providers, TimeProvider time, TimeSpan? reprobeAfter = null)
    {
        _providers = providers;
        _time = time;
        ReprobeAfter = reprobeAfter ?? DefaultReprobeAfter;
        _reprobeTicks = (long)(ReprobeAfter.TotalSeconds * time.TimestampFrequency);
        _lastProbe = new long[providers.Length];
    }

    public TimeSpan ReprobeAfter { get; }

    public int PickFirst()
    {
        var providers = _providers;
        if (providers.Length < 2)
        {
            return 0;
        }
        var best = 0;
        for (var i = 1; i < providers.Length; i++)
        {
            if (providers[i].Latency < providers[best].Latency)
            {
                best = i;
            }
        }
        var probe = StaleProvider(best);
        return probe >= 0 ? probe : best;
    }

    /// <summary>Returns a measured, non-best provider whose last sample is older than the re-probe interval, claiming its probe slot.</summary>
    private int StaleProvider(int best)
    {
        var now = _time.GetTimestamp();
        for (var i = 0; i < _providers.Length; i++)
        {
            var sampledAt = _providers[i].LatencySampledAt;
            if (i == best || sampledAt == 0 || now - sampledAt < _reprobeTicks)
            {
                continue;
            }
            var last = Volatile.Read(ref _lastProbe[i]);
            // One request per interval probes; concurrent requests that lose the exchange take the best provider.
            if ((last == 0 || now - last >= _reprobeTicks) && Interlocked.CompareExchange(ref _lastProbe[i], now, last) == last)
            {
                return i;
            }
        }
        return -1;
    }
}
