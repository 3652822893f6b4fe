using AiProxy.Caching;
using AiProxy.Configuration;
using AiProxy.Metrics;
using AiProxy.Metrics.Prometheus;
using AiProxy.RateLimiting;
using AiProxy.Redis;
using AiProxy.Routing;
using AiProxy.Streaming;
using AiProxy.Transforms;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Hosting;

/// <summary>Service registration for the proxy.</summary>
public static class AiProxyServiceCollectionExtensions
{
    /// <summary>Adds AiProxy: config store (loaded and validated), YARP with the AiProxy config provider and transforms.</summary>
    internal static IServiceCollection AddAiProxy(this IServiceCollection services, string configPath, string[] args, AiProxySnapshot initial)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddAiProxyPrometheus();
        services.TryAddSingleton<ProxyMetrics>();
        services.TryAddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var runtimes = new ProviderRuntimeFactory(time, sp.GetRequiredService<ILoggerFactory>(), watchFiles: true);
            return new AiProxyConfigStore(new ConfigLoader(configPath, args, runtimes),
                sp.GetRequiredService<ILogger<AiProxyConfigStore>>(), sp.GetRequiredService<ProxyMetrics>(), time);
        });
        // Redis settings are read at start-up: the one multiplexer of the process, shared by limits, cache and purges.
        var redis = initial.Options.Redis;
        services.TryAddSingleton<IRedisConnection>(sp => new RedisConnection(redis?.Configuration, sp.GetRequiredService<ILogger<RedisConnection>>()));

        services.TryAddSingleton<ModelLabels>();
        services.TryAddSingleton<ProviderMetrics>();
        services.TryAddSingleton<ModelCatalog>();
        services.AddAiProxyRateLimiting(o => o.ExpectedReplicas = initial.Options.Redis?.ExpectedReplicas ?? 1);

        var rawSection = new ReverseProxySectionSource();
        rawSection.Update(initial.ReverseProxyData);
        services.AddSingleton(rawSection);
        var rawConfig = new ConfigurationBuilder().Add(rawSection).Build();

        services.AddSingleton<IProxyConfigProvider, AiProxyYarpConfigProvider>();
        services.AddReverseProxy()
            .LoadFromConfig(rawConfig.GetSection("ReverseProxy"))
            .AddAiProxyUpstreamTransforms()
            .AddTransforms<SseResponseTransformProvider>();
        services.AddAiProxyResponseCache(initial.Options.Cache, initial.Options.Redis);
        return services;
    }
}
