namespace AiProxy.Transforms.Keys;

/// <summary>Configuration of one provider's <see cref="UpstreamKeyPool"/>.</summary>
public sealed class UpstreamKeyPoolOptions
{
    /// <summary>Gets or sets the key specs: a literal key, <c>env:NAME</c> or <c>file:PATH</c> (a file with one key per line, or a directory with one key per file).</summary>
    /// <value>Defaults to an empty list.</value>
    public IList<string> Keys { get; set; } = [];

    /// <summary>Gets or sets keys only higher priority classes may lease (critical-key isolation).</summary>
    /// <value>Defaults to none.</value>
    public IList<ReservedKey> ReservedKeys { get; set; } = [];

    /// <summary>Gets or sets the share (0..1) of the pool's capacity kept for critical clients; lower classes are refused first as it runs short.</summary>
    /// <value>Defaults to 0: no priority shedding.</value>
    public double CriticalReserve { get; set; }

    /// <summary>Gets or sets how the next key is chosen.</summary>
    /// <value>Defaults to <see cref="KeyStrategy.QuotaAware"/>.</value>
    public KeyStrategy Strategy { get; set; } = KeyStrategy.QuotaAware;

    /// <summary>Gets or sets the limits enforced locally on each key.</summary>
    /// <value>Defaults to no limits.</value>
    public KeyLimits Limits { get; set; } = new();

    /// <summary>Gets or sets the cooldown after a 429 that names no retry delay.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan DefaultCooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest cooldown honoured from upstream headers, guarding against absurd values.</summary>
    /// <value>Defaults to 10 minutes.</value>
    public TimeSpan MaxCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how long a key stays out after a billing answer (429 <c>insufficient_quota</c>, 402), which no retry-after ends.</summary>
    /// <value>Defaults to 1 hour.</value>
    public TimeSpan QuotaCooldown { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the remaining-requests count below which the quota-aware strategy stops using a key until its reset.</summary>
    /// <value>Defaults to 1: a key whose upstream reports no remaining requests is skipped instead of drawing a 429.</value>
    public int MinRemainingRequests { get; set; } = 1;

    /// <summary>Gets or sets the per-key circuit breaker settings.</summary>
    /// <value>Defaults to 5 consecutive failures and a 30 second break.</value>
    public KeyCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Gets or sets whether <c>file:</c> keys are watched and reloaded when they change.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool WatchFiles { get; set; } = true;

    /// <summary>Gets or sets how often <c>file:</c> keys are re-read in case a change notification was missed.</summary>
    /// <value>Defaults to 30 seconds; <see cref="TimeSpan.Zero"/> disables polling.</value>
    public TimeSpan ReloadPollingInterval { get; set; } = TimeSpan.FromSeconds(30);
}
