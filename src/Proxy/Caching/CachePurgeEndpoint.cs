using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiProxy.Caching;

/// <summary>
/// <c>POST /admin/cache/purge?route=…&amp;model=…&amp;client=…&amp;tag=…</c> (each repeatable) invalidates the matching
/// entries on every replica sharing Redis; without parameters it purges everything. Loopback callers only: in a pod,
/// that is the sidecar's own network namespace (kubectl exec / port-forward).
/// </summary>
public static class CachePurgeEndpoint
{
    /// <summary>The purge endpoint's path.</summary>
    public const string Path = "/admin/cache/purge";

    /// <summary>Maps the response-cache purge endpoint.</summary>
    public static IEndpointRouteBuilder MapAiProxyCachePurge(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, PurgeAsync);
        return endpoints;
    }

    private static async Task PurgeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
        {
            await Http.ProxyErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                "The cache purge endpoint only accepts requests from loopback.", "invalid_request_error", "forbidden", shouldRetry: false);
            return;
        }

        var tags = new List<string>();
        var query = context.Request.Query;
        Add(tags, query, "route", "route:");
        Add(tags, query, "model", "model:");
        Add(tags, query, "client", "client:");
        Add(tags, query, "tag", "");
        if (tags.Count == 0)
        {
            tags.Add("*");
        }

        await context.RequestServices.GetRequiredService<Hybrid.CachePurgeBroadcast>().PurgeAsync(tags, context.RequestAborted);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CachePurgeEndpoint).FullName!);
        Log.Purged(logger, string.Join(",", tags));

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("purged"u8);
        foreach (var tag in tags)
        {
            writer.WriteStringValue(tag);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static void Add(List<string> tags, IQueryCollection query, string name, string prefix)
    {
        foreach (var value in query[name])
        {
            if (!string.IsNullOrEmpty(value))
            {
                tags.Add(prefix + value);
            }
        }
    }
}
