using AiProxy.Caching.Hybrid;
using AiProxy.Configuration;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiProxy.Caching;

/// <summary>Registers the exact response cache.</summary>
public static class ResponseCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds the response cache: the hybrid cache sized from <c>AiProxy:Cache</c> (<c>MemoryLimitBytes</c>, <c>MaxEntryBytes</c>;
    /// read at start-up), the <c>CachedResponse</c> serializer, in-flight coalescing and metrics.
    /// </summary>
    public static IServiceCollection AddAiProxyResponseCache(this IServiceCollection services, CacheOptions? cache)
    {
        var memoryLimit = cache?.MemoryLimitBytes;
        var maxEntry = cache?.MaxEntryBytes ?? ResponseCacheMiddleware.DefaultMaxEntryBytes;
        services.AddAiProxyHybridCache(options =>
        {
            if (memoryLimit is { } limit)
            {
                options.LocalCacheSizeLimitBytes = limit;
            }
            // Room for the entry header and per-event length prefixes on top of the answer bytes the middleware bounds.
            options.MaximumPayloadBytes = (int)Math.Min(int.MaxValue, maxEntry + (maxEntry / 8) + (64 * 1024));
        });
        services.TryAddSingleton<IHybridCacheSerializer<CachedResponse>, CachedResponseSerializer>();
        services.TryAddSingleton<InFlightResponses>();
        services.TryAddSingleton<ResponseCacheMetrics>();
        return services;
    }
}
