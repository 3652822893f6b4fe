using AiProxy.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProxy.Caching.Hybrid;

/// <summary>Registers the proxy's <see cref="HybridCache"/> implementation.</summary>
public static class AiProxyHybridCacheServiceCollectionExtensions
{
    /// <summary>Configuration key of the Redis connection string used when no <see cref="IRedisConnection"/> is registered.</summary>
    public const string RedisConfigurationKey = "AiProxy:Redis:Configuration";

    /// <summary>
    /// Adds <see cref="HybridCache"/> backed by a size-bounded memory cache and, when Redis is configured, a Redis L2.
    /// Every registration is a <c>TryAdd</c>, so an earlier <c>AddHybridCache()</c> or <see cref="IDistributedCache"/> wins.
    /// </summary>
    public static IServiceCollection AddAiProxyHybridCache(this IServiceCollection services, Action<AiProxyHybridCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptionsWithValidateOnStart<AiProxyHybridCacheOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AiProxyHybridCacheOptions>, AiProxyHybridCacheOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRedisConnection>(static sp => new RedisConnection(
            sp.GetService<IConfiguration>()?[RedisConfigurationKey],
            sp.GetService<ILogger<RedisConnection>>() ?? NullLogger<RedisConnection>.Instance));
        services.TryAddSingleton(static sp => new RedisDistributedCache(sp.GetRequiredService<IRedisConnection>(), sp.GetRequiredService<TimeProvider>()));
        // When Redis is not configured this instance reports IsConfigured=false and the cache runs L1-only.
        services.TryAddSingleton<IDistributedCache>(static sp => sp.GetRequiredService<RedisDistributedCache>());
        services.TryAddSingleton<HybridCache, AiProxyHybridCache>();
        return services;
    }
}
