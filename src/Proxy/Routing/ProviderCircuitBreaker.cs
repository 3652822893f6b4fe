namespace AiProxy.Routing;

/// <summary>
/// Per-provider breaker: after <c>threshold</c> consecutive failures (5xx, connect errors, timeouts) the provider is
/// skipped for the break duration, then one probe is let through; its outcome closes or reopens the breaker.
/// Keys have their own breakers in the key pool; this one also covers keyless providers and whole-provider outages.
/// </summary>
internal sealed class ProviderCircuitBreaker
{
    private readonly TimeProvider _time;
    private readonly int _threshold;
    private readonly TimeSpan _breakDuration;
    private readonly object _gate = new();
    private int _failures;
    private long _openUntil;
    private bool _probing;

    public ProviderCircuitBreaker(TimeProvider time, int threshold = 5, TimeSpan? breakDuration = null)
    {
        _time = time;
        _threshold = threshold;
        _breakDuration = breakDuration ?? TimeSpan.FromSeconds(30);
    }

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _openUntil != 0 && _time.GetTimestamp() < _openUntil;
            }
        }
    }

    /// <summary>Returns whether a request may go to the provider now (the first call after the break is the probe).</summary>
    public bool TryEnter()
    {
        if (Volatile.Read(ref _openUntil) == 0)
        {
            return true;
        }
        lock (_gate)
        {
            if (_openUntil == 0)
            {
                return true;
            }
            if (_time.GetTimestamp() < _openUntil || _probing)
            {
                return false;
            }
            _probing = true;
            return true;
        }
    }

    /// <summary>Gets how long until the breaker lets a probe through (zero when closed).</summary>
    public TimeSpan RetryAfter
    {
        get
        {
            lock (_gate)
            {
                return _openUntil == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_time.GetTimestamp(), Math.Max(_openUntil, _time.GetTimestamp()));
            }
        }
    }

    public void Success()
    {
        if (Volatile.Read(ref _failures) == 0 && Volatile.Read(ref _openUntil) == 0)
        {
            return;
        }
        lock (_gate)
        {
            _failures = 0;
            _openUntil = 0;
            _probing = false;
        }
    }

    /// <summary>Frees the probe slot when an attempt ended without an outcome (client gone), so the next request can probe.</summary>
    public void Abandon()
    {
        if (!Volatile.Read(ref _probing))
        {
            return;
        }
        lock (_gate)
        {
            _probing = false;
        }
    }

    public void Failure()
    {
        lock (_gate)
        {
            _failures++;
            if (_probing || _failures >= _threshold)
            {
                _openUntil = _time.GetTimestamp() + (long)(_breakDuration.TotalSeconds * _time.TimestampFrequency);
                _probing = false;
            }
        }
    }
}
