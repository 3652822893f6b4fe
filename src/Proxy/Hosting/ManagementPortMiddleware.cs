using AiProxy.Configuration;
using AiProxy.Http;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Hosting;

/// <summary>
/// With <c>AiProxy:ManagementUrls</c> set, splits the surface by the port a connection arrived on (the socket's local
/// port, which no header can forge): <c>/admin/*</c> (and <c>/metrics</c> with <c>Metrics:OnManagementPort</c>) answer
/// only on the management port, everything else only on the main port; health checks answer on both. The rest is a 404.
/// </summary>
internal sealed class ManagementPortMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int[] _ports;
    private readonly bool _metricsOnManagement;

    public ManagementPortMiddleware(RequestDelegate next, int[] ports, bool metricsOnManagement)
    {
        _next = next;
        _ports = ports;
        _metricsOnManagement = metricsOnManagement;
    }

    public Task Invoke(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz"))
        {
            return _next(context);
        }
        var onManagement = Array.IndexOf(_ports, context.Connection.LocalPort) >= 0;
        return onManagement == IsManagementPath(path)
            ? _next(context)
            : ProxyErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"Unknown path {(onManagement ? "on the management port" : string.Empty)}".TrimEnd(),
                "invalid_request_error", "not_found");
    }

    private bool IsManagementPath(PathString path)
        => path.StartsWithSegments("/admin") || (_metricsOnManagement && path.StartsWithSegments("/metrics"));

    /// <summary>Returns the management ports of a config, or null when there is no management listener.</summary>
    public static int[]? Ports(AiProxyOptions options)
    {
        var urls = ManagementUrls.Parse(options.ManagementUrls, out var error);
        if (error is not null || urls.Count == 0)
        {
            return null;
        }
        var ports = new int[urls.Count];
        for (var i = 0; i < ports.Length; i++)
        {
            ports[i] = urls[i].Port;
        }
        return ports;
    }
}
