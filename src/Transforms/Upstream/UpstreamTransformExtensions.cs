using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Transforms.Upstream;

/// <summary>
/// The route side and the builder side of the upstream request transforms, as YARP's <c>*TransformExtensions</c>:
/// <see cref="WithAiProxyUpstream"/> marks a route as one of AiProxy's, <c>AddUpstreamX</c> adds a transform to it.
/// </summary>
public static class UpstreamTransformExtensions
{
    /// <summary>The route metadata that marks a route compiled by AiProxy (value <c>true</c>): its transforms are AiProxy's.</summary>
    public const string RouteMetadataKey = "AiProxy.Upstream";

    /// <summary>The cluster metadata naming the AiProxy provider a cluster forwards to.</summary>
    public const string ClusterMetadataKey = "AiProxy.Provider";

    /// <summary>Returns a copy of <paramref name="route"/> marked as an AiProxy route.</summary>
    public static RouteConfig WithAiProxyUpstream(this RouteConfig route)
    {
        var metadata = route.Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(route.Metadata);
        metadata[RouteMetadataKey] = "true";
        return route with { Metadata = metadata };
    }

    /// <summary>Gets a value indicating whether <paramref name="route"/> carries the AiProxy marker (of any value).</summary>
    public static bool HasAiProxyMarker(this RouteConfig route, out string? value)
    {
        value = null;
        return route.Metadata?.TryGetValue(RouteMetadataKey, out value) == true;
    }

    /// <summary>Gets a value indicating whether <paramref name="route"/> is an AiProxy route (marker set to <c>true</c>).</summary>
    public static bool IsAiProxyUpstream(this RouteConfig route)
        => route.HasAiProxyMarker(out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds the transform that maps <c>/v1/…</c> onto the chosen provider's path (and Azure's deployment path).</summary>
    public static TransformBuilderContext AddUpstreamPath(this TransformBuilderContext context)
    {
        context.RequestTransforms.Add(UpstreamPathTransform.Instance);
        return context;
    }

    /// <summary>Adds the transform that drops the client's credentials and injects the chosen upstream key.</summary>
    public static TransformBuilderContext AddUpstreamAuth(this TransformBuilderContext context)
    {
        context.RequestTransforms.Add(UpstreamAuthTransform.Instance);
        return context;
    }
}
