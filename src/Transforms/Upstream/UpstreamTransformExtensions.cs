using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Transforms;

/// <summary>Registration of AiProxy's upstream transforms.</summary>
public static class UpstreamTransformExtensions
{
    /// <summary>Adds the path-mapping and key-injection transforms to AiProxy's generated routes.</summary>
    public static IReverseProxyBuilder AddAiProxyUpstreamTransforms(this IReverseProxyBuilder builder)
    {
        builder.AddTransforms<UpstreamTransformProvider>();
        return builder;
    }
}
