namespace AiProxy.Transforms.Keys;

/// <summary>How an <see cref="UpstreamKeyPool"/> picks the key for the next request.</summary>
public enum KeyStrategy
{
    /// <summary>Uses the keys in turn, skipping keys that cannot take a request.</summary>
    RoundRobin,

    /// <summary>Uses the key with the fewest requests in flight.</summary>
    LeastLoaded,

    /// <summary>Uses the key with the most rate-limit headroom, as reported by the upstream and counted locally.</summary>
    QuotaAware,
}
