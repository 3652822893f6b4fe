using AiProxy.Http;
using AiProxy.Routing;
using AiProxy.Streaming;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Pipeline;

/// <summary>
/// Last AiProxy step before YARP's forwarder: picks the provider and key, prepares the body (model rewrite),
/// points YARP at the provider's cluster, and turns forwarding failures into OpenAI-style errors.
/// </summary>
internal sealed partial class UpstreamForwardingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IProxyStateLookup _proxyState;
    private readonly ILogger<UpstreamForwardingMiddleware> _logger;

    public UpstreamForwardingMiddleware(RequestDelegate next, IProxyStateLookup proxyState, ILogger<UpstreamForwardingMiddleware> logger)
    {
        _next = next;
        _proxyState = proxyState;
        _logger = logger;
    }

    public Task Invoke(HttpContext context)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        if (feature is null)
        {
            return _next(context);
        }

        var provider = feature.Route.Providers[0];
        if (!provider.TryGetKey(out var key))
        {
            Log.NoKey(_logger, provider.Name);
            return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                provider.KeyProblem ?? $"provider '{provider.Name}' has no usable API key (AiProxy:Providers:{provider.Name}:Keys)",
                "server_error", "upstream_key_missing", shouldRetry: false);
        }

        feature.Provider = provider;
        feature.Target = provider.Target;
        feature.ApiKey = key;
        feature.UpstreamModel = feature.Operation == AiOperation.PassThrough ? null : feature.Route.RewriteModel ?? feature.Model;
        PrepareBody(context, feature);

        if (!PointAt(context, provider))
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"provider '{provider.Name}' is not ready yet; try again", "server_error", "upstream_unavailable");
        }

        var task = _next(context);
        return task.IsCompletedSuccessfully ? MapForwarderError(context, feature) : AwaitAndMap(task, context, feature);
    }

    private async Task AwaitAndMap(Task task, HttpContext context, AiRequestFeature feature)
    {
        await task;
        await MapForwarderError(context, feature);
    }

    private Task MapForwarderError(HttpContext context, AiRequestFeature feature)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || error.Error == ForwarderError.None)
        {
            return Task.CompletedTask;
        }

        var provider = feature.Provider?.Name ?? "?";
        Log.ForwardFailed(_logger, provider, error.Error.ToString(), error.Exception?.GetType().Name);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return error.Error switch
        {
            ForwarderError.RequestTimedOut => ProxyErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                $"The upstream provider '{provider}' did not answer in time.", "server_error", "upstream_timeout"),
            ForwarderError.NoAvailableDestinations => ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"The upstream provider '{provider}' is unavailable.", "server_error", "upstream_unavailable"),
            _ => ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                $"The upstream provider '{provider}' could not be reached or failed ({error.Error}).", "server_error", "upstream_error"),
        };
    }

    private static void PrepareBody(HttpContext context, AiRequestFeature feature)
    {
        if (feature.Operation == AiOperation.PassThrough)
        {
            return;
        }

        var body = feature.Body;
        if (feature.UpstreamModel is { } upstreamModel && !string.Equals(upstreamModel, feature.Model, StringComparison.Ordinal))
        {
            body = ModelRewriter.Rewrite(body.Span, feature.ModelTokenStart, feature.ModelTokenLength, upstreamModel);
        }

        // YARP reads Request.Body when it builds the outgoing content, so a fresh stream per attempt replays the body.
        var request = context.Request;
        request.Body = new ReadOnlyMemoryStream(body);
        request.ContentLength = body.Length;
        request.Headers.TransferEncoding = default;
    }

    private bool PointAt(HttpContext context, ProviderRuntime provider)
    {
        var proxyFeature = context.GetReverseProxyFeature();
        if (string.Equals(proxyFeature.Cluster.Config.ClusterId, provider.Target.ClusterId, StringComparison.Ordinal))
        {
            return true;
        }
        if (!_proxyState.TryGetCluster(provider.Target.ClusterId, out var cluster))
        {
            return false;
        }
        context.ReassignProxyRequest(cluster);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Warning, "Provider {Provider} has no usable API key; answering 503.")]
        public static partial void NoKey(ILogger logger, string provider);

        [LoggerMessage(201, LogLevel.Warning, "Forwarding to provider {Provider} failed: {Error} ({Exception}).")]
        public static partial void ForwardFailed(ILogger logger, string provider, string error, string? exception);
    }
}
