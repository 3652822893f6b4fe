using AiProxy.Caching.Hybrid;
using AiProxy.Metrics;
using AiProxy.Redis;
using AiProxy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiProxy.Hosting;

/// <summary>
/// Starts what must run before the first request rather than on it: the Redis connection, the cache-purge subscription,
/// the semantic index's replication, the provider gauges and the tracer. Hosted services start before Kestrel listens.
/// </summary>
internal sealed class AiProxyStartupService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Connects in the background; requests meanwhile treat Redis as unreachable.
        (services.GetRequiredService<IRedisConnection>() as RedisConnection)?.StartConnect();
        // Subscribes to other replicas' cache purges as soon as Redis is up.
        services.GetRequiredService<CachePurgeBroadcast>();
        // The semantic layer (when enabled) loads the entries other replicas shared and subscribes to new ones.
        services.GetRequiredService<Caching.Semantic.SemanticCacheService>();
        services.GetRequiredService<ProviderMetrics>();
        // Resolved now so spans are exported from the first request; the container disposes (flushes) it on shutdown.
        services.GetService<TracerProviderHolder>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
