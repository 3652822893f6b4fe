using System.Text.Json;
using AiProxy.Caching;
using AiProxy.Configuration;
using AiProxy.Clients;
using AiProxy.Http;
using AiProxy.Metrics;
using AiProxy.Metrics.Prometheus;
using AiProxy.Pipeline;
using AiProxy.Redis;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Hosting;

/// <summary>Endpoint wiring for the proxy.</summary>
public static class AiProxyEndpointExtensions
{
    /// <summary>Maps health, readiness, the model list and the proxy pipeline; start-up work lives in <see cref="AiProxyStartupService"/>.</summary>
    public static WebApplication MapAiProxy(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<LoadedConfig>().Options;
        if (ManagementPortMiddleware.Ports(options) is { } managementPorts)
        {
            // Before everything: a management path on the main port (or the reverse) is a 404, not even counted.
            app.UseMiddleware<ManagementPortMiddleware>(managementPorts, options.Metrics?.OnManagementPort == true);
        }
        // Accounting first so rejected requests (401) are counted too; identity before any /v1 endpoint.
        app.UseMiddleware<RequestAccountingMiddleware>();
        // Shutdown and overload refusals before any work (health, readiness and /metrics never pass through it).
        app.UseMiddleware<Admission.AdmissionMiddleware>();
        app.UseMiddleware<ClientIdentityMiddleware>();

        app.MapGet("/healthz", static context => WriteJson(context, StatusCodes.Status200OK,
            new HealthReport { Status = "ok", ConfigVersion = context.RequestServices.GetRequiredService<AiProxyConfigStore>().Current.Version }));
        app.MapGet("/readyz", ReadyAsync);
        if (options.Metrics?.Enabled != false)
        {
            // Without the exporter no listener enables the instruments, so recording is close to free (see the bench's metrics-off target).
            app.MapAiProxyMetrics();
        }
        app.MapGet("/v1/models", ListModelsAsync);
        app.MapGet("/v1/models/{**model}", GetModelAsync);
        app.MapAiProxyCachePurge();

        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseMiddleware<AiRequestMiddleware>();
            // Client policy before the cache: the cache key is scoped by client, and a hit still counts as a request.
            pipeline.UseMiddleware<ClientPolicyMiddleware>();
            pipeline.UseMiddleware<ResponseCacheMiddleware>();
            pipeline.UseMiddleware<UpstreamForwardingMiddleware>();
            pipeline.UseYarpBalancingWhenConfigured();
        });
        return app;
    }

    private static Task ReadyAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<AiProxyConfigStore>();
        var redis = context.RequestServices.GetRequiredService<IRedisConnection>();
        string? redisState = null;
        var ready = true;
        if (context.RequestServices.GetRequiredService<Admission.DrainState>().IsDraining)
        {
            return WriteJson(context, StatusCodes.Status503ServiceUnavailable,
                new HealthReport { Status = "draining", ConfigVersion = store.Current.Version });
        }
        if (redis.IsConfigured)
        {
            redis.TryGetDatabase();
            redisState = redis.IsConnected ? "connected" : "unreachable";
            ready = redis.IsConnected;
        }
        return WriteJson(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            new HealthReport { Status = ready ? "ready" : "not-ready", ConfigVersion = store.Current.Version, Redis = redisState });
    }

    private static async Task ListModelsAsync(HttpContext context)
    {
        var snapshot = context.RequestServices.GetRequiredService<AiProxyConfigStore>().Current;
        var listed = await context.RequestServices.GetRequiredService<ModelCatalog>().ListAsync(snapshot.Routes, snapshot.Version);
        var data = new List<ModelInfo>(listed.Count);
        foreach (var (model, owner) in listed)
        {
            data.Add(new ModelInfo { Id = model, OwnedBy = owner });
        }
        await WriteJson(context, StatusCodes.Status200OK, new ModelList { Data = data });
    }

    private static Task GetModelAsync(HttpContext context)
    {
        var model = context.Request.RouteValues["model"] as string ?? "";
        var snapshot = context.RequestServices.GetRequiredService<AiProxyConfigStore>().Current;
        var route = snapshot.Routes.Match(model);
        return route is null
            ? ProxyErrors.ModelNotFound(context, model)
            : WriteJson(context, StatusCodes.Status200OK, new ModelInfo { Id = model, OwnedBy = route.Providers[0].Name });
    }

    private static Task WriteJson<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var typeInfo = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ProxyJsonContext.Relaxed.GetTypeInfo(typeof(T))!;
        return JsonSerializer.SerializeAsync(context.Response.Body, value, typeInfo, context.RequestAborted);
    }
}
