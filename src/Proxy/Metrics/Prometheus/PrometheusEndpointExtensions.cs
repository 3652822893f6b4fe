using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
public static class PrometheusEndpointExtensions
{
    /// <summary>Maps <paramref name="pattern"/> to the Prometheus text exposition of the <c>AiProxy</c> meter.</summary>
    public static IEndpointConventionBuilder MapAiProxyMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Resolving here starts the listener at startup, so measurements before the first scrape are counted.
        var exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return endpoints.MapGet(pattern, context =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsync(exporter.Scrape(), context.RequestAborted);
        });
    }
}
