using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

/// <summary>Options for the proxy's two-level (memory + distributed) response cache.</summary>
public sealed class AiProxyHybridCacheOptions
{
    /// <summary>Gets or sets the entry options used when a call passes none, or leaves a value <see langword="null"/>.</summary>
    /// <value>Defaults to 5 minutes for both <see cref="HybridCacheEntryOptions.Expiration"/> and <see cref="HybridCacheEntryOptions.LocalCacheExpiration"/>.</value>
    public HybridCacheEntryOptions? DefaultEntryOptions { get; set; }

    /// <summary>Gets or sets the memory budget of the local (L1) cache, counted in serialized payload bytes.</summary>
    /// <value>Defaults to 64 MiB.</value>
    public long LocalCacheSizeLimitBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets the largest serialized entry that is cached at all; larger values are returned but not stored.</summary>
    /// <value>Defaults to 4 MiB.</value>
    public int MaximumPayloadBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the longest accepted key; longer keys bypass the cache and call the factory directly.</summary>
    /// <value>Defaults to 1024 characters.</value>
    public int MaximumKeyLength { get; set; } = 1024;

    /// <summary>Gets or sets a value indicating whether a registered <c>IDistributedCache</c> is used as the shared (L2) cache.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool DistributedCacheEnabled { get; set; } = true;

    /// <summary>Gets or sets how long a single distributed-cache operation may take before it is abandoned as a failure.</summary>
    /// <value>Defaults to 500 milliseconds.</value>
    public TimeSpan DistributedCacheOperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets how long the distributed cache is skipped after a failure before it is tried again.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan DistributedCacheFailureBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how often a tag's invalidation time is re-read from the distributed cache, so other replicas' <c>RemoveByTagAsync</c> calls are seen.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan TagRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a tag invalidation is kept in the distributed cache; it should outlive the longest entry expiration.</summary>
    /// <value>Defaults to 1 day.</value>
    public TimeSpan TagInvalidationRetention { get; set; } = TimeSpan.FromDays(1);
}
