using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Transforms.Upstream;

/// <summary>
/// Removes the client's credentials and injects the upstream key of the chosen provider:
/// <c>api-key</c> for Azure OpenAI, <c>Authorization: Bearer</c> for everything else.
/// </summary>
internal sealed class UpstreamAuthTransform : RequestTransform
{
    public static readonly UpstreamAuthTransform Instance = new();

    private static readonly ConditionalWeakTable<string, string> BearerHeaders = new();

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var headers = context.ProxyRequest.Headers;
        // The client's own key must never reach the upstream, whatever the provider.
        headers.Authorization = null;
        headers.Remove("api-key");
        // Nor does the proxy's own internal-call token (semantic-cache embeddings sent to itself).
        headers.Remove("x-aiproxy-internal");

        var feature = context.HttpContext.Features.Get<IUpstreamRequestFeature>();
        if (feature?.Target is not { } target || feature.ApiKey is not { Length: > 0 } key)
        {
            return default;
        }

        if (target.Kind == ProviderKind.AzureOpenAI)
        {
            headers.TryAddWithoutValidation("api-key", key);
        }
        else
        {
            // The header's text, made once per key: an AuthenticationHeaderValue per request was two allocations and a
            // format when HttpClient wrote it. Keyed by the key string itself, so a rotated-out key's entry goes with it.
            headers.TryAddWithoutValidation("Authorization", BearerHeaders.GetValue(key, static k => "Bearer " + k));
        }

        foreach (var (name, value) in target.Headers)
        {
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
        }
        return default;
    }
}
