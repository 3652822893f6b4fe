using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Upstream;

/// <summary>Adds the attempt-outcome transform to a route, the YARP way (<c>context.AddX(…)</c>).</summary>
internal static class UpstreamOutcomeTransformExtensions
{
    /// <summary>Adds <paramref name="transform"/> (shared by all routes; its per-attempt state lives in the request's resilience context).</summary>
    public static TransformBuilderContext AddUpstreamOutcome(this TransformBuilderContext context, UpstreamOutcomeTransform transform)
    {
        context.ResponseTransforms.Add(transform);
        return context;
    }
}
