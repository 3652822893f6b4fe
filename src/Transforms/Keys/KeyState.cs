namespace AiProxy.Transforms.Keys;

/// <summary>Whether a key can take requests now, as exposed for metrics.</summary>
public enum KeyState
{
    /// <summary>The key can take requests.</summary>
    Available,

    /// <summary>The key waits out a 429, a billing cooldown (429 <c>insufficient_quota</c>, 402), an exhausted upstream quota or a local per-minute limit.</summary>
    Cooldown,

    /// <summary>The key's circuit breaker is open after repeated 5xx answers or connect failures.</summary>
    CircuitOpen,

    /// <summary>The upstream rejected the key (401, or a 403 naming the key); it stays out until its secret changes.</summary>
    Disabled,
}
