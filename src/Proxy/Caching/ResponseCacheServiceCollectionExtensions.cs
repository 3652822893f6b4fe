using AiProxy.Caching.Hybrid;
using AiProxy.Configuration;
using AiProxy.Redis;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiProxy.Caching;

/// <summary>Registers the exact response cache.</summary>
public static class ResponseCacheServiceCollectionExtensions
{
    /// <summary>The L1 memory bound when <c>Cache.MemoryLimitBytes</c> is not set.</summary>
    public const long DefaultMemoryLimitBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Adds the response cache: Microsoft's <see cref="HybridCache"/> sized from <c>AiProxy:Cache</c> (<c>MemoryLimitBytes</c>,
    /// <c>MaxEntryBytes</c>) with Redis as L2 when <c>AiProxy:Redis</c> is set (all read at start-up), the
    /// <c>CachedResponse</c> serializer, in-flight coalescing and metrics.
    /// </summary>
    public static IServiceCollection AddAiProxyResponseCache(this IServiceCollection services, CacheOptions? cache, RedisOptions? redis)
    {
        var maxEntry = cache?.MaxEntryBytes ?? ResponseCacheMiddleware.DefaultMaxEntryBytes;
        var l2Timeout = Duration.TryParse(redis?.OperationTimeout, out var timeout) && timeout > TimeSpan.Zero ? timeout : RedisConnection.DefaultOperationTimeout;
        services.AddAiProxyHybridCache(
                memoryLimitBytes: cache?.MemoryLimitBytes ?? DefaultMemoryLimitBytes,
                // Room for the entry header and per-event length prefixes on top of the answer bytes the middleware bounds.
                maximumPayloadBytes: maxEntry + (maxEntry / 8) + (64 * 1024),
                useRedis: !string.IsNullOrWhiteSpace(redis?.Configuration),
                l2Timeout)
            .AddSerializer<CachedResponse, CachedResponseSerializer>();
        services.TryAddSingleton<InFlightResponses>();
        services.TryAddSingleton<ResponseCacheMetrics>();
        // Built from Cache.Semantic at start-up; with it off nothing of the model is loaded.
        services.TryAddSingleton<Semantic.SemanticCacheService>();
        return services;
    }
}
