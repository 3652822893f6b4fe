using AiProxy.Configuration;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using AiProxy.Runtime;
using AiProxy.Streaming;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Upstream;

/// <summary>Response transforms of AiProxy's routes: the attempt outcome (keys, breaker, retry), then the observed body.</summary>
internal sealed class AiResponseTransformProvider : ITransformProvider
{
    private readonly UpstreamOutcomeTransform _outcome;
    private readonly ObservedResponseTransform _body;

    public AiResponseTransformProvider(TimeProvider time, ProxyMetrics metrics)
    {
        _outcome = new UpstreamOutcomeTransform(time);
        _body = new ObservedResponseTransform(static context => Observe(context), new StreamMetricsObserver(metrics));
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
            context.AddObservedResponse(_body);
        }
    }

    private static ObservedRequest Observe(HttpContext context)
        => context.Features.Get<AiRequestFeature>() is { } feature && feature.Operation != AiOperation.PassThrough
            ? new ObservedRequest(feature, ExpectDone: feature.Operation is AiOperation.ChatCompletions or AiOperation.Completions)
            : default;
}
