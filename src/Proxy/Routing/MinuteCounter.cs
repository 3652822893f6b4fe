namespace AiProxy.Routing;

/// <summary>
/// Lock-free count over the last minute in one-second buckets (for quota gauges): each bucket remembers which
/// second it holds, so stale buckets are ignored without a background sweep.
/// </summary>
internal sealed class MinuteCounter
{
    private const int Buckets = 60;
    private readonly TimeProvider _time;
    private readonly long[] _seconds = new long[Buckets];
    private readonly long[] _counts = new long[Buckets];

    public MinuteCounter(TimeProvider time) => _time = time;

    public void Add(long value)
    {
        if (value == 0)
        {
            return;
        }
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        var i = (int)(second % Buckets);
        var stamp = Volatile.Read(ref _seconds[i]);
        if (stamp != second && Interlocked.CompareExchange(ref _seconds[i], second, stamp) == stamp)
        {
            // First writer of this second resets the bucket; a racing add may be lost, which a gauge tolerates.
            Interlocked.Exchange(ref _counts[i], 0);
        }
        Interlocked.Add(ref _counts[i], value);
    }

    public long Sum()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        long total = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (now - Volatile.Read(ref _seconds[i]) < Buckets)
            {
                total += Volatile.Read(ref _counts[i]);
            }
        }
        return total;
    }
}
