namespace AiProxy.Transforms.Keys;

/// <summary>Maps <see cref="KeyStrategy"/> to and from the kebab-case names used in the config file.</summary>
public static class KeyStrategyNames
{
    /// <summary>Parses <c>round-robin</c>, <c>least-loaded</c> or <c>quota-aware</c> (also the enum names, any case).</summary>
    public static bool TryParse(string? value, out KeyStrategy strategy)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "round-robin" or "roundrobin":
                strategy = KeyStrategy.RoundRobin;
                return true;
            case "least-loaded" or "leastloaded":
                strategy = KeyStrategy.LeastLoaded;
                return true;
            case "quota-aware" or "quotaaware":
                strategy = KeyStrategy.QuotaAware;
                return true;
            default:
                strategy = KeyStrategy.QuotaAware;
                return false;
        }
    }

    /// <summary>Returns the config-file name of a strategy, e.g. <c>quota-aware</c>.</summary>
    public static string ToConfigName(this KeyStrategy strategy) => strategy switch
    {
        KeyStrategy.RoundRobin => "round-robin",
        KeyStrategy.LeastLoaded => "least-loaded",
        KeyStrategy.QuotaAware => "quota-aware",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
    };
}
