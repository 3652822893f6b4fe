using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Transforms.Upstream;

/// <summary>
/// Adds the upstream path and auth transforms to every route whose metadata has <c>AiProxy.Upstream=true</c>
/// (the routes AiProxy compiles from its config), leaving raw <c>ReverseProxy</c> routes alone.
/// </summary>
internal sealed class UpstreamTransformProvider : ITransformProvider
{
    public const string MetadataKey = "AiProxy.Upstream";

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.TryGetValue(MetadataKey, out var value) != true || !string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // X-Forwarded-* would tell a third-party API about the pod's internal addresses; the upstream needs none of it.
        context.UseDefaultForwarders = false;
        context.RequestTransforms.Add(UpstreamPathTransform.Instance);
        context.RequestTransforms.Add(UpstreamAuthTransform.Instance);
    }
}
