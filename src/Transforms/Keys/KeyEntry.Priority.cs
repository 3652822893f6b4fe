namespace AiProxy.Transforms.Keys;

internal sealed partial class KeyEntry
{
    // -1 = any class may use the key; else the lowest PriorityClass allowed.
    private volatile int _reservedFor = -1;

    /// <summary>Gets or sets the lowest class that may lease this key (<see langword="null"/>: every class); set on each key reload.</summary>
    public PriorityClass? ReservedFor
    {
        get => _reservedFor < 0 ? null : (PriorityClass)_reservedFor;
        set => _reservedFor = value is { } v ? (int)v : -1;
    }

    /// <summary>Returns whether a request of <paramref name="priority"/> may lease this key.</summary>
    public bool Admits(PriorityClass priority)
    {
        var reserved = _reservedFor;
        return reserved < 0 || (int)priority >= reserved;
    }

    /// <summary>Returns the key's headroom now (0 when it cannot take a request) and when its capacity next grows.</summary>
    public double Pressure(long now, PoolSettings settings, out long recoverAt)
    {
        lock (_gate)
        {
            if (!EvaluateLocked(now, 0, settings, out var headroom, out recoverAt))
            {
                return 0;
            }
            // Usable: capacity grows when the local window or the upstream's request window resets.
            recoverAt = _windowRequests > 0 ? _windowStart + WindowTicks : long.MaxValue;
            if (_remainingRequests >= 0 && _resetRequestsAt > now)
            {
                recoverAt = Math.Min(recoverAt, _resetRequestsAt);
            }
            return headroom;
        }
    }
}
