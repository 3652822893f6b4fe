namespace AiProxy.Testing;

/// <summary>A manually driven clock: time moves only when a test calls <see cref="Advance"/>.</summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _timestamp;

    public FakeTimeProvider() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public FakeTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() { lock (_gate) { return _now; } }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() { lock (_gate) { return _timestamp; } }

    public void SetUtcNow(DateTimeOffset value) => Advance(value - GetUtcNow());

    public void Advance(TimeSpan delta)
    {
        if (delta < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(delta));
        List<FakeTimer> due;
        lock (_gate)
        {
            _now += delta;
            _timestamp += delta.Ticks;
            due = [];
            foreach (var t in _timers)
            {
                if (t.DueAt is { } at && at <= _timestamp) due.Add(t);
            }
        }
        foreach (var t in due) t.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate) { _timers.Add(timer); }
        return timer;
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;
        public long? DueAt;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._timestamp + dueTime.Ticks;
            }
            return true;
        }

        public void Fire()
        {
            lock (owner._gate)
            {
                DueAt = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? owner._timestamp + _period.Ticks : null;
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (owner._gate) { DueAt = null; owner._timers.Remove(this); }
        }

        public ValueTask DisposeAsync() { Dispose(); return default; }
    }
}
