using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Registers the prometheus-net export of the <c>AiProxy</c> meter.</summary>
public static class PrometheusServiceCollectionExtensions
{
    /// <summary>Adds the meter bridge as a singleton that starts listening to the <c>AiProxy</c> meter when first resolved.</summary>
    public static IServiceCollection AddAiProxyPrometheus(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(static sp => new PrometheusMeterBridge(sp.GetRequiredService<IMeterFactory>()));
        return services;
    }
}
