using AiProxy.Transforms.Configuration;

namespace AiProxy.Transforms.Keys;

/// <summary>The config-file names of <see cref="KeyStrategy"/> (<c>Providers.*.KeyStrategy</c>).</summary>
public static class KeyStrategyNames
{
    /// <summary>Gets the accepted names: <c>round-robin</c>, <c>least-loaded</c>, <c>quota-aware</c>.</summary>
    public static NameTable<KeyStrategy> Table { get; } = new(
        ("round-robin", KeyStrategy.RoundRobin),
        ("least-loaded", KeyStrategy.LeastLoaded),
        ("quota-aware", KeyStrategy.QuotaAware));
}
