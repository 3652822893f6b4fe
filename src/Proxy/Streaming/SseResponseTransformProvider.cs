using AiProxy.Configuration;
using AiProxy.Pipeline;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Streaming;

/// <summary>Response transforms of AiProxy's routes: the attempt outcome (keys, breaker, retry) and the SSE guard.</summary>
internal sealed class SseResponseTransformProvider : ITransformProvider
{
    private readonly UpstreamOutcomeTransform _outcome;

    public SseResponseTransformProvider(TimeProvider time) => _outcome = new UpstreamOutcomeTransform(time);

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
            context.ResponseTransforms.Add(SseResponseTransform.Instance);
        }
    }

    private sealed class SseResponseTransform : ResponseTransform
    {
        public static readonly SseResponseTransform Instance = new();

        public override ValueTask ApplyAsync(ResponseTransformContext context)
        {
            var response = context.ProxyResponse;
            if (response is null || !response.IsSuccessStatusCode || context.SuppressResponseBody
                || response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
            {
                return default;
            }

            var operation = context.HttpContext.Features.Get<AiRequestFeature>()?.Operation;
            var expectDone = operation is AiOperation.ChatCompletions or AiOperation.Completions;
            response.Content = new SseEventContent(response.Content, expectDone, context.HttpContext.RequestAborted);
            // The body may grow by an error event; the length the upstream announced would then be wrong.
            context.HttpContext.Response.Headers.ContentLength = null;
            return default;
        }
    }
}
