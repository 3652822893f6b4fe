using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Transforms.Upstream;

/// <summary>
/// Maps the client's OpenAI path (<c>/v1/chat/completions</c>) onto the provider: <c>{BaseUrl}/chat/completions</c>,
/// or for Azure <c>{BaseUrl}/openai/deployments/{deployment}/chat/completions?api-version=…</c>.
/// </summary>
internal sealed class UpstreamPathTransform : RequestTransform
{
    public static readonly UpstreamPathTransform Instance = new();

    private static readonly PathString V1 = new("/v1");

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var feature = context.HttpContext.Features.Get<IUpstreamRequestFeature>();
        if (feature?.Target is not { } target)
        {
            return default;
        }

        // The destination address already carries the provider's base path, so the proxy path is only the operation.
        var path = context.Path;
        var operation = path.StartsWithSegments(V1, StringComparison.OrdinalIgnoreCase, out var rest) ? rest : path;

        if (target.Kind != ProviderKind.AzureOpenAI)
        {
            context.Path = operation;
            return default;
        }

        if (string.Equals(target.ApiVersion, "v1", StringComparison.OrdinalIgnoreCase))
        {
            context.Path = new PathString("/openai/v1").Add(operation);
            return default;
        }

        var model = feature.UpstreamModel;
        if (model is null)
        {
            // Model-less operations (files, batches, …) live directly under /openai.
            context.Path = new PathString("/openai").Add(operation);
        }
        else
        {
            var deployment = target.Deployments.TryGetValue(model, out var d) ? d : model;
            context.Path = new PathString("/openai/deployments/" + Uri.EscapeDataString(deployment)).Add(operation);
        }

        if (!context.Query.Collection.ContainsKey("api-version"))
        {
            context.Query.Collection["api-version"] = target.ApiVersion;
        }
        return default;
    }
}
