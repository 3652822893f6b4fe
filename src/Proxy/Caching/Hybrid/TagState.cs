namespace AiProxy.Caching.Hybrid;

/// <summary>What this process knows about one tag's last invalidation, and when to re-read it from L2.</summary>
internal sealed class TagState
{
    private long _invalidatedUtcTicks;
    private long _nextCheckTimestamp;

    public object Gate { get; } = new();

    /// <summary>Entries created at or before this time (UTC ticks) are stale; 0 when never invalidated.</summary>
    public long InvalidatedUtcTicks => Volatile.Read(ref _invalidatedUtcTicks);

    /// <summary>The <see cref="TimeProvider"/> timestamp after which L2 should be asked again; 0 (never checked) is due at once.</summary>
    public long NextCheckTimestamp
    {
        get => Volatile.Read(ref _nextCheckTimestamp);
        set => Volatile.Write(ref _nextCheckTimestamp, value);
    }

    /// <summary>The refresh in progress, shared by concurrent lookups.</summary>
    public Task? Refresh { get; set; }

    /// <summary>Moves the invalidation time forward only, so an older value read from L2 never resurrects entries.</summary>
    public void Invalidate(long utcTicks)
    {
        var current = Volatile.Read(ref _invalidatedUtcTicks);
        while (utcTicks > current)
        {
            var seen = Interlocked.CompareExchange(ref _invalidatedUtcTicks, utcTicks, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
