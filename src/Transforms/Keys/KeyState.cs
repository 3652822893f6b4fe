namespace AiProxy.Transforms.Keys;

/// <summary>Whether a key can take requests now, as exposed for metrics.</summary>
public enum KeyState
{
    /// <summary>The key can take requests.</summary>
    Available,

    /// <summary>The key waits out a 429, an exhausted upstream quota or a local per-minute limit.</summary>
    Cooldown,

    /// <summary>The key's circuit breaker is open after repeated 5xx answers or connect failures.</summary>
    CircuitOpen,

    /// <summary>The upstream rejected the key (401/403); it stays out until its secret changes.</summary>
    Disabled,
}
