namespace AiProxy.Transforms.Upstream;

/// <summary>An upstream provider as the transforms see it: where requests go and how they are authenticated.</summary>
public sealed class UpstreamTarget
{
    /// <summary>Initializes a new instance of the <see cref="UpstreamTarget"/> class.</summary>
    public UpstreamTarget(string name, ProviderKind kind, Uri baseUrl)
    {
        Name = name;
        Kind = kind;
        BaseUrl = baseUrl;
        var path = baseUrl.AbsolutePath.TrimEnd('/');
        BasePath = path;
    }

    /// <summary>Gets the provider name from config (safe to log).</summary>
    public string Name { get; }

    /// <summary>Gets the API dialect.</summary>
    public ProviderKind Kind { get; }

    /// <summary>Gets the configured base URL (for OpenAI-style providers it includes <c>/v1</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the path part of <see cref="BaseUrl"/> without a trailing slash, e.g. <c>/v1</c>.</summary>
    public string BasePath { get; }

    /// <summary>Gets the YARP cluster that holds this provider's destination.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Gets the Azure <c>api-version</c>; <c>v1</c> selects Azure's newer <c>/openai/v1</c> API.</summary>
    /// <value>Defaults to <c>2024-10-21</c>.</value>
    public string ApiVersion { get; init; } = "2024-10-21";

    /// <summary>Gets Azure deployment names by model; a model without an entry is used as the deployment name.</summary>
    public IReadOnlyDictionary<string, string> Deployments { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets extra headers sent upstream (e.g. OpenRouter's <c>HTTP-Referer</c>, <c>X-Title</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Gets a value indicating whether requests need an API key (false for Ollama and keyless local servers).</summary>
    public bool RequiresKey { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind})";
}
