using Microsoft.AspNetCore.Http;

namespace AiProxy.Pipeline;

/// <summary>
/// Headers the proxy adds to every answer of a model-routed request, written when the response starts so that
/// retries (which clear the response) and YARP's header copy cannot lose them.
/// </summary>
internal static class ProxyResponseHeaders
{
    public const string CacheHeader = "x-aiproxy-cache";

    public static readonly Func<object, Task> Apply = static state =>
    {
        var context = (HttpContext)state;
        var feature = context.Features.Get<AiRequestFeature>();
        if (feature?.CacheStatus is { } cache)
        {
            context.Response.Headers[CacheHeader] = cache;
        }
        if (feature?.RateLimit is { } decision)
        {
            ClientPolicyMiddleware.WriteHeaders(context.Response.Headers, decision);
        }
        if (feature is not null)
        {
            feature.FirstByteTimestamp = feature.Time?.GetTimestamp() ?? 0;
        }
        return Task.CompletedTask;
    };
}
