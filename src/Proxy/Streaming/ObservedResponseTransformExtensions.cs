using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Streaming;

/// <summary>Adds the observed response body to a route, the YARP way (<c>context.AddX(…)</c>).</summary>
internal static class ObservedResponseTransformExtensions
{
    /// <summary>Adds <paramref name="transform"/> (shared by all routes; it holds no per-request state) to the route's response transforms.</summary>
    public static TransformBuilderContext AddObservedResponse(this TransformBuilderContext context, ObservedResponseTransform transform)
    {
        context.ResponseTransforms.Add(transform);
        return context;
    }
}
