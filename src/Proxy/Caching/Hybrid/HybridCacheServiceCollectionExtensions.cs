using AiProxy.Redis;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProxy.Caching.Hybrid;

/// <summary>Registers Microsoft's <see cref="HybridCache"/> with a byte-bounded L1 and, when Redis is configured, a guarded Redis L2.</summary>
public static class HybridCacheServiceCollectionExtensions
{
    /// <summary>Prefix of every Redis key the cache writes, so entries never collide with rate-limit or other proxy keys.</summary>
    public const string RedisKeyPrefix = "aiproxy:cache:";

    /// <summary>How long the L2 is skipped after its breaker opens, before one probe tries Redis again.</summary>
    public static readonly TimeSpan L2BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds <see cref="HybridCache"/> (L1: a <c>MemoryCache</c> bounded to <paramref name="memoryLimitBytes"/> of serialized
    /// entries; L2: Redis through the shared <see cref="IRedisConnection"/> when <paramref name="useRedis"/>), the purge
    /// broadcast and the cache metrics.
    /// </summary>
    public static IHybridCacheBuilder AddAiProxyHybridCache(this IServiceCollection services, long memoryLimitBytes, long maximumPayloadBytes,
        bool useRedis, TimeSpan l2Timeout)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddMemoryCache();
        // The L1 belongs to the response cache: sized in bytes, expiring on the injected clock (fake in tests).
        services.AddOptions<Microsoft.Extensions.Caching.Memory.MemoryCacheOptions>().Configure<TimeProvider>((o, time) =>
        {
            o.SizeLimit = memoryLimitBytes;
            o.TrackStatistics = true;
#pragma warning disable CS0618 // ISystemClock is MemoryCache's only clock hook
            o.Clock = new TimeProviderClock(time);
#pragma warning restore CS0618
        });
        services.TryAddSingleton<HybridCacheMetrics>();
        services.TryAddSingleton<CachePurgeBroadcast>();
        if (useRedis)
        {
            services.TryAddSingleton<IDistributedCache>(sp => CreateL2(sp, l2Timeout));
        }
        return services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = maximumPayloadBytes;
            o.MaximumKeyLength = 1024;
        });
    }

    private static ResilientDistributedCache CreateL2(IServiceProvider services, TimeSpan timeout)
    {
        var redis = services.GetRequiredService<IRedisConnection>();
        var inner = new RedisCache(Options.Create(new RedisCacheOptions
        {
            InstanceName = RedisKeyPrefix,
            // The process's one multiplexer (fail-fast, short timeouts, reconnects on its own) rather than a second connection.
            ConnectionMultiplexerFactory = async () => await redis.GetMultiplexerAsync().ConfigureAwait(false)
                ?? throw new InvalidOperationException("Redis is not configured."),
        }));
        return new ResilientDistributedCache(inner, timeout, L2BreakDuration, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<HybridCacheMetrics>(), services.GetRequiredService<ILogger<ResilientDistributedCache>>());
    }
}
