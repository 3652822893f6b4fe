using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
public static class PrometheusEndpointExtensions
{
    /// <summary>Maps <paramref name="pattern"/> to prometheus-net's exposition of the <c>AiProxy</c> meter.</summary>
    public static IEndpointConventionBuilder MapAiProxyMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolving here starts the listener at start-up, so measurements before the first scrape are counted.
        var bridge = endpoints.ServiceProvider.GetRequiredService<PrometheusMeterBridge>();
        return endpoints.MapMetrics(pattern, bridge.Registry);
    }
}
