using AiProxy.Admission;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using AiProxy.Streaming;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Upstream;

/// <summary>
/// The transforms of AiProxy's routes (those marked with <see cref="UpstreamTransformExtensions.WithAiProxyUpstream"/>):
/// the upstream path and key on the way out; the attempt outcome (keys, breaker, retry) and then the observed body on
/// the way back. Raw <c>ReverseProxy</c> routes get none of them.
/// </summary>
internal sealed class AiProxyTransformProvider : ITransformProvider
{
    private readonly UpstreamOutcomeTransform _outcome;
    private readonly ObservedResponseTransform _body;

    public AiProxyTransformProvider(TimeProvider time, ProxyMetrics metrics, DrainState drain)
    {
        _outcome = new UpstreamOutcomeTransform(time);
        _body = new ObservedResponseTransform(static context => Observe(context), new StreamMetricsObserver(metrics), drain.StreamsEnding);
    }

    /// <summary>An AiProxy route forwards <c>/v1/…</c> (the path transform strips <c>/v1</c>) and its marker is <c>true</c>.</summary>
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        var route = context.Route;
        if (!route.HasAiProxyMarker(out _))
        {
            return;
        }
        if (!route.IsAiProxyUpstream())
        {
            context.Errors.Add(new ArgumentException(
                $"Route '{route.RouteId}': metadata '{UpstreamTransformExtensions.RouteMetadataKey}' must be 'true' or absent."));
            return;
        }
        if (route.Match.Path is not { } path || !path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase))
        {
            context.Errors.Add(new ArgumentException(
                $"Route '{route.RouteId}': an AiProxy route must match a path under /v1/."));
        }
    }

    /// <summary>A provider's cluster has exactly one destination: the provider's base URL, which the path transform extends.</summary>
    public void ValidateCluster(TransformClusterValidationContext context)
    {
        var cluster = context.Cluster;
        if (cluster.Metadata?.TryGetValue(UpstreamTransformExtensions.ClusterMetadataKey, out var provider) != true)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(provider))
        {
            context.Errors.Add(new ArgumentException($"Cluster '{cluster.ClusterId}': metadata '{UpstreamTransformExtensions.ClusterMetadataKey}' must name a provider."));
        }
        if (cluster.Destinations is not { Count: 1 })
        {
            context.Errors.Add(new ArgumentException(
                $"Cluster '{cluster.ClusterId}': a provider's cluster must have exactly one destination, found {cluster.Destinations?.Count ?? 0}."));
        }
    }

    public void Apply(TransformBuilderContext context)
    {
        if (!context.Route.IsAiProxyUpstream())
        {
            return;
        }
        // X-Forwarded-* would tell a third-party API about the pod's internal addresses; the upstream needs none of it.
        context.UseDefaultForwarders = false;
        context.AddUpstreamPath()
            .AddUpstreamAuth()
            .AddUpstreamOutcome(_outcome)
            .AddObservedResponse(_body);
    }

    private static ObservedRequest Observe(HttpContext context) => context.Features.Get<AiRequestFeature>() switch
    {
        null => default,
        { Operation: AiOperation.PassThrough } => new ObservedRequest(null, ExpectDone: false, PassThrough: true),
        var feature => new ObservedRequest(feature, ExpectDone: feature.Operation is AiOperation.ChatCompletions or AiOperation.Completions),
    };
}
