namespace AiProxy.Transforms.Keys;

/// <summary>One upstream key and everything the pool knows about it; compound state is guarded by a per-key lock.</summary>
/// <remarks>Times are pool ticks: <see cref="TimeSpan"/> ticks since the pool's origin timestamp.</remarks>
internal sealed partial class KeyEntry
{
    private const long WindowTicks = TimeSpan.TicksPerMinute;

    // Remaining counts sent without a reset time are trusted for one (OpenAI-style) minute.
    private const long HeaderLifetimeTicks = TimeSpan.TicksPerMinute;

    // A half-open key whose probe is still running has no known recovery time; suggest a short wait.
    private const long ProbeWaitTicks = TimeSpan.TicksPerSecond;

    private readonly Lock _gate = new();
    private int _inFlight;

    private bool _disabled;
    private long _cooldownUntil;

    private bool _circuitOpen;
    private long _openUntil;
    private bool _probeInFlight;
    private int _consecutiveFailures;

    // Upstream headroom from x-ratelimit-* headers; -1 = unknown. "Since" counts what we sent after the last header.
    private long _remainingRequests = -1;
    private long _limitRequests = -1;
    private long _resetRequestsAt;
    private long _requestsSinceHeader;
    private long _remainingTokens = -1;
    private long _limitTokens = -1;
    private long _resetTokensAt;
    private long _tokensSinceHeader;

    // Local fixed one-minute window for the configured per-key limits.
    private long _windowStart = long.MinValue / 2;
    private long _windowRequests;
    private long _windowTokens;

    public KeyEntry(string secret)
    {
        Secret = secret;
        Fingerprint = KeyFingerprint.Compute(secret);
    }

    public string Secret { get; }

    public string Fingerprint { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool IsDisabled
    {
        get
        {
            lock (_gate)
            {
                return _disabled;
            }
        }
    }

    /// <summary>Returns whether the key could take a request of <paramref name="tokens"/> now, its headroom (0..1) if so, else when it recovers.</summary>
    public bool TryEvaluate(long now, long tokens, PoolSettings settings, out double headroom, out long recoverAt)
    {
        lock (_gate)
        {
            return EvaluateLocked(now, tokens, settings, out headroom, out recoverAt);
        }
    }

    /// <summary>Re-checks and, if still usable, counts the request against the key.</summary>
    public bool TryReserve(long now, long tokens, PoolSettings settings, out long windowStart, out bool isProbe, out long recoverAt)
    {
        lock (_gate)
        {
            if (!EvaluateLocked(now, tokens, settings, out _, out recoverAt))
            {
                windowStart = 0;
                isProbe = false;
                return false;
            }

            _windowRequests++;
            _windowTokens += tokens;
            _requestsSinceHeader++;
            _tokensSinceHeader += tokens;
            isProbe = _circuitOpen;
            if (isProbe)
            {
                _probeInFlight = true;
            }

            windowStart = _windowStart;
            Interlocked.Increment(ref _inFlight);
            return true;
        }
    }

    /// <summary>Ends a lease: drops the in-flight count and frees the half-open probe slot if the probe never reported.</summary>
    public void Release(bool isProbe, bool reported)
    {
        Interlocked.Decrement(ref _inFlight);
        if (isProbe && !reported)
        {
            lock (_gate)
            {
                _probeInFlight = false;
            }
        }
    }

    /// <summary>Replaces a token reservation with the actual usage, if the reservation's window is still current.</summary>
    public void SettleTokens(long windowStart, long reserved, long actual)
    {
        var delta = actual - reserved;
        if (delta == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_windowStart == windowStart)
            {
                _windowTokens = Math.Max(0, _windowTokens + delta);
            }

            if (_remainingTokens >= 0)
            {
                _tokensSinceHeader = Math.Max(0, _tokensSinceHeader + delta);
            }
        }
    }

    public KeyStatus GetStatus(long now, PoolSettings settings)
    {
        lock (_gate)
        {
            KeyState state;
            if (_disabled)
            {
                state = KeyState.Disabled;
            }
            else if (_circuitOpen && (now < _openUntil || _probeInFlight))
            {
                state = KeyState.CircuitOpen;
            }
            else
            {
                state = EvaluateLocked(now, 0, settings, out _, out _) ? KeyState.Available : KeyState.Cooldown;
            }

            long? remainingRequests = _remainingRequests >= 0
                ? Math.Max(0, _remainingRequests - _requestsSinceHeader)
                : settings.RequestsPerMinute is int rpm ? Math.Max(0, rpm - _windowRequests) : null;
            long? remainingTokens = _remainingTokens >= 0
                ? Math.Max(0, _remainingTokens - _tokensSinceHeader)
                : settings.TokensPerMinute is int tpm ? Math.Max(0, tpm - _windowTokens) : null;
            return new KeyStatus(Fingerprint, state, InFlight, remainingRequests, remainingTokens);
        }
    }

    public override string ToString() => Fingerprint;
}
