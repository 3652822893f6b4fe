namespace AiProxy.Transforms.Keys;

/// <summary>An immutable copy of <see cref="UpstreamKeyPoolOptions"/>, with durations in ticks, swapped atomically on reconfiguration.</summary>
internal sealed class PoolSettings
{
    public PoolSettings(UpstreamKeyPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reserved = options.ReservedKeys ?? [];
        // Reserved keys follow the shared ones; SpecReservedFor says which class each spec is kept for (null: everyone).
        Specs = [.. (options.Keys ?? []).Select(KeySpec.Parse), .. reserved.Select(static r => KeySpec.Parse(r.Key))];
        SpecReservedFor = [.. (options.Keys ?? []).Select(static _ => (PriorityClass?)null), .. reserved.Select(static r => (PriorityClass?)r.ReservedFor)];
        CriticalReserve = Math.Clamp(options.CriticalReserve, 0, 1);
        Strategy = options.Strategy;
        RequestsPerMinute = options.Limits?.RequestsPerMinute is > 0 and var rpm ? rpm : null;
        TokensPerMinute = options.Limits?.TokensPerMinute is > 0 and var tpm ? tpm : null;
        MaxCooldownTicks = Math.Max(0, options.MaxCooldown.Ticks);
        DefaultCooldownTicks = Math.Clamp(options.DefaultCooldown.Ticks, 0, MaxCooldownTicks);
        QuotaCooldownTicks = Math.Max(0, options.QuotaCooldown.Ticks);
        MinRemainingRequests = Math.Max(0, options.MinRemainingRequests);
        BreakerThreshold = options.CircuitBreaker?.FailureThreshold ?? 0;
        BreakTicks = Math.Max(0, (options.CircuitBreaker?.BreakDuration ?? TimeSpan.Zero).Ticks);
        WatchFiles = options.WatchFiles;
        PollingInterval = options.ReloadPollingInterval > TimeSpan.Zero ? options.ReloadPollingInterval : TimeSpan.Zero;
    }

    public KeySpec[] Specs { get; }

    public PriorityClass?[] SpecReservedFor { get; }

    public double CriticalReserve { get; }

    public KeyStrategy Strategy { get; }

    public int? RequestsPerMinute { get; }

    public int? TokensPerMinute { get; }

    public long DefaultCooldownTicks { get; }

    public long MaxCooldownTicks { get; }

    public long QuotaCooldownTicks { get; }

    public int MinRemainingRequests { get; }

    public int BreakerThreshold { get; }

    public long BreakTicks { get; }

    public bool WatchFiles { get; }

    public TimeSpan PollingInterval { get; }

    public bool HasFileSpecs => Specs.Any(static s => s.Kind == KeySpecKind.File);
}
