namespace AiProxy.Transforms.Keys;

/// <summary>Settings of the per-key circuit breaker fed by 5xx answers and connect failures.</summary>
public sealed class KeyCircuitBreakerOptions
{
    /// <summary>Gets or sets how many consecutive failures open the breaker.</summary>
    /// <value>Defaults to 5. Zero or less disables the breaker.</value>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>Gets or sets how long an open breaker keeps the key out before one probe request is let through.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
