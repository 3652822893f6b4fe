using AiProxy.Caching;
using AiProxy.Configuration;
using AiProxy.Metrics;
using AiProxy.Metrics.Prometheus;
using AiProxy.RateLimiting;
using AiProxy.Redis;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Upstream;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Hosting;

/// <summary>Service registration for the proxy.</summary>
public static class AiProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds AiProxy from a config read and validated once at start-up: the config store and its file watch, YARP with the
    /// AiProxy config provider and transforms, and the start-up service. Settings read only at start-up (Redis, cache,
    /// metrics) come from <paramref name="initial"/>.
    /// </summary>
    internal static IServiceCollection AddAiProxy(this IServiceCollection services, string configPath, string[] args, LoadedConfig initial)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddAiProxyPrometheus();
        services.TryAddSingleton<ProxyMetrics>();
        services.AddSingleton(initial);
        var rawSection = new ReverseProxySectionSource();
        rawSection.Update(initial.ReverseProxyData());
        services.AddSingleton(rawSection);
        services.TryAddSingleton(sp =>
        {
            // Compiled here, once, with the host's clock and logging: YARP reads the first snapshot while endpoints are mapped.
            var runtimes = new ProviderRuntimeFactory(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), watchFiles: true);
            var store = new AiProxyConfigStore(new ConfigLoader(configPath, args), runtimes, initial, sp.GetRequiredService<ILogger<AiProxyConfigStore>>());
            store.ReloadAttempted += sp.GetRequiredService<ProxyMetrics>().ConfigReloaded;
            store.Changed += snapshot => rawSection.Update(snapshot.ReverseProxyData);
            return store;
        });
        services.AddHostedService<ConfigWatchService>();
        services.AddHostedService<AiProxyStartupService>();
        // Redis settings are read at start-up: the one multiplexer of the process, shared by limits, cache and purges.
        var redis = initial.Options.Redis;
        services.TryAddSingleton<IRedisConnection>(sp => new RedisConnection(redis?.Configuration, sp.GetRequiredService<ILogger<RedisConnection>>()));

        services.TryAddSingleton<ModelLabels>();
        services.TryAddSingleton<ProviderMetrics>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton(new Admission.OverloadGate(initial.Options.Overload));
        services.TryAddSingleton<Admission.DrainState>();
        services.TryAddSingleton<Admission.AdmissionMetrics>();
        // SIGTERM: in-flight requests and streams get DrainTimeout to finish (Kubernetes' grace period is 30 s).
        var drain = Duration.TryParse(initial.Options.DrainTimeout, out var drainTimeout) && drainTimeout > TimeSpan.Zero
            ? drainTimeout : TimeSpan.FromSeconds(25);
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = drain);
        services.AddAiProxyRateLimiting(o => o.ExpectedReplicas = initial.Options.Redis?.ExpectedReplicas ?? 1);

        var rawConfig = new ConfigurationBuilder().Add(rawSection).Build();

        services.AddSingleton<IProxyConfigProvider, AiProxyYarpConfigProvider>();
        services.AddReverseProxy()
            .LoadFromConfig(rawConfig.GetSection("ReverseProxy"))
            .AddTransforms<AiProxyTransformProvider>();
        services.AddAiProxyResponseCache(initial.Options.Cache, initial.Options.Redis);
        return services;
    }
}
