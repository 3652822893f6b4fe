using AiProxy.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AiProxy.Pipeline;

/// <summary>
/// Outermost step for <c>/v1</c> requests: in-flight gauges, request count and latency histograms, tokens and
/// estimated cost from the upstream's usage, and one access-log line (category <c>AiProxy.Access</c>).
/// </summary>
internal sealed partial class RequestAccountingMiddleware
{
    private static readonly PathString V1 = new("/v1");
    private readonly RequestDelegate _next;
    private readonly ProxyMetrics _metrics;
    private readonly ModelLabels _models;
    private readonly TimeProvider _time;
    private readonly ILogger _access;

    public RequestAccountingMiddleware(RequestDelegate next, ProxyMetrics metrics, ModelLabels models, TimeProvider time, ILoggerFactory loggers)
    {
        _next = next;
        _metrics = metrics;
        _models = models;
        _time = time;
        _access = loggers.CreateLogger("AiProxy.Access");
    }

    public Task Invoke(HttpContext context)
        => context.Request.Path.StartsWithSegments(V1, StringComparison.OrdinalIgnoreCase) ? InvokeAsync(context) : _next(context);

    private async Task InvokeAsync(HttpContext context)
    {
        var start = _time.GetTimestamp();
        _metrics.RequestStarted();
        var completed = false;
        try
        {
            await _next(context);
            completed = true;
        }
        finally
        {
            Record(context, start, completed);
        }
    }

    private void Record(HttpContext context, long start, bool completed)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        var status = completed ? context.Response.StatusCode : 500;
        if (context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // Client went away before an answer: nginx's convention, so it isn't mistaken for a server error.
            status = 499;
        }
        var seconds = _time.GetElapsedTime(start).TotalSeconds;

        if (feature is null)
        {
            var tags = new RequestTags("none", "none", ModelLabels.Other, Clients.ClientIdentity.AnonymousId, "none", false);
            _metrics.RequestFinished(tags, status, seconds, null);
            return;
        }

        var routed = feature.Operation != AiOperation.PassThrough && status != StatusCodes.Status404NotFound;
        var model = _models.For(feature.Request?.Model, routed);
        var requestTags = new RequestTags(
            feature.Operation == AiOperation.PassThrough ? "passthrough" : feature.Route.Name,
            feature.Provider?.Name ?? "none",
            model,
            feature.ClientId,
            feature.CacheStatus ?? "none",
            feature.Request?.Stream == true);
        double? ttfb = feature.FirstByteTimestamp > start ? _time.GetElapsedTime(start, feature.FirstByteTimestamp).TotalSeconds : null;
        _metrics.RequestFinished(requestTags, status, seconds, ttfb);

        if (feature.Usage is { } usage && feature.CacheStatus is not ("hit" or "semantic-hit"))
        {
            var price = PriceTable.For(feature.Snapshot).Find(feature.UpstreamModel ?? feature.Request?.Model);
            double? cost = price is null ? null : price.Cost(usage);
            _metrics.Tokens(feature.ClientId, model, usage.Prompt, usage.Completion, usage.Cached, cost);
        }

        if (_access.IsEnabled(LogLevel.Information))
        {
            Log.Request(_access, context.Request.Method, context.Request.Path.Value, status, requestTags.Route, requestTags.Provider, model,
                feature.ClientId, requestTags.Cache, feature.Request?.Stream == true, Math.Round(seconds * 1000, 1), feature.Attempt, feature.Usage?.Total);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information,
            "{Method} {Path} {Status} route={Route} provider={Provider} model={Model} client={Client} cache={Cache} stream={Stream} ms={DurationMs} attempts={Attempts} tokens={Tokens}")]
        public static partial void Request(ILogger logger, string method, string? path, int status, string route, string provider, string model,
            string client, string cache, bool stream, double durationMs, int attempts, long? tokens);
    }
}
