using AiProxy.Configuration;
using AiProxy.Pipeline;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Streaming;

/// <summary>Response transforms of AiProxy's routes: the attempt outcome (keys, breaker, retry) and the SSE guard.</summary>
internal sealed class SseResponseTransformProvider : ITransformProvider
{
    private readonly UpstreamOutcomeTransform _outcome;
    private readonly SseResponseTransform _body;

    public SseResponseTransformProvider(TimeProvider time, Metrics.ProxyMetrics metrics)
    {
        _outcome = new UpstreamOutcomeTransform(time);
        _body = new SseResponseTransform(metrics);
    }

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.RouteId == SnapshotCompiler.CatchAllRouteId)
        {
            context.ResponseTransforms.Add(_outcome);
            context.ResponseTransforms.Add(_body);
        }
    }

    private sealed class SseResponseTransform : ResponseTransform
    {
        /// <summary>The largest non-streaming answer kept in memory for usage and the cache (larger ones pass through unobserved).</summary>
        private const int MaxObservedJsonBytes = 8 * 1024 * 1024;

        private readonly Metrics.ProxyMetrics _metrics;

        public SseResponseTransform(Metrics.ProxyMetrics metrics) => _metrics = metrics;

        public override ValueTask ApplyAsync(ResponseTransformContext context)
        {
            var response = context.ProxyResponse;
            var feature = context.HttpContext.Features.Get<AiRequestFeature>();
            if (response is null || feature is null || context.SuppressResponseBody || feature.Operation == AiOperation.PassThrough)
            {
                return default;
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            var isEventStream = contentType is "text/event-stream";
            if (feature.Observers is { } observers)
            {
                foreach (var observer in observers)
                {
                    observer.OnStarted((int)response.StatusCode, contentType, isEventStream);
                }
            }
            if (!response.IsSuccessStatusCode)
            {
                return default;
            }

            if (isEventStream)
            {
                var expectDone = feature.Operation is AiOperation.ChatCompletions or AiOperation.Completions;
                var aborted = context.HttpContext.RequestAborted;
                var metrics = _metrics;
                response.Content = new ObservedContent(response.Content, inner => new SseEventStream(inner, expectDone, aborted, feature, metrics));
                // The body may grow by an error event or shrink by a dropped usage chunk: the upstream's length would be wrong.
                context.HttpContext.Response.Headers.ContentLength = null;
            }
            else
            {
                response.Content = new ObservedContent(response.Content, inner => new JsonResponseStream(inner, feature, MaxObservedJsonBytes));
            }
            return default;
        }
    }
}
