namespace AiProxy.MockUpstream;

/// <summary>The endpoint a path addresses, whatever its prefix: <c>/v1/</c>, <c>/openai/v1/</c> or <c>/openai/deployments/{deployment}/</c>.</summary>
internal readonly record struct MockRoute(MockEndpoint Endpoint, string Name, string? Deployment, string? ModelId)
{
    public static MockRoute Parse(string path)
    {
        string? deployment = null;
        ReadOnlySpan<char> rest;
        if (path.StartsWith("/v1/", StringComparison.Ordinal)) rest = path.AsSpan(4);
        else if (path.StartsWith("/openai/v1/", StringComparison.Ordinal)) rest = path.AsSpan(11);
        else if (path.StartsWith("/openai/deployments/", StringComparison.Ordinal))
        {
            var tail = path.AsSpan(20);
            var slash = tail.IndexOf('/');
            if (slash <= 0) return new(MockEndpoint.Unknown, "", null, null);
            deployment = tail[..slash].ToString();
            rest = tail[(slash + 1)..];
        }
        else return new(MockEndpoint.Unknown, "", null, null);

        rest = rest.TrimEnd('/');
        return rest switch
        {
            "chat/completions" => new(MockEndpoint.ChatCompletions, "chat/completions", deployment, null),
            "completions" => new(MockEndpoint.Completions, "completions", deployment, null),
            "embeddings" => new(MockEndpoint.Embeddings, "embeddings", deployment, null),
            "responses" => new(MockEndpoint.Responses, "responses", deployment, null),
            "models" => new(MockEndpoint.Models, "models", deployment, null),
            _ when rest.StartsWith("models/") && rest.Length > 7 && rest[7..].IndexOf('/') < 0
                => new(MockEndpoint.Model, "models/{id}", deployment, Uri.UnescapeDataString(rest[7..].ToString())),
            _ => new(MockEndpoint.Unknown, rest.ToString(), deployment, null),
        };
    }
}

internal enum MockEndpoint
{
    Unknown,
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
    Models,
    Model,
}
