using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Pipeline;

/// <summary>
/// Everything the pipeline learned about one request: the body (read once), the model, the route, and the
/// per-attempt upstream choice that the transforms read.
/// </summary>
internal sealed class AiRequestFeature : IUpstreamRequestFeature
{
    public AiRequestFeature(AiProxySnapshot snapshot, AiOperation operation, CompiledRoute route)
    {
        Snapshot = snapshot;
        Operation = operation;
        Route = route;
    }

    /// <summary>Gets the config generation this request started with (a reload mid-request does not change it).</summary>
    public AiProxySnapshot Snapshot { get; }

    public AiOperation Operation { get; }

    /// <summary>Gets or sets the route chosen by model (the default route for pass-through paths).</summary>
    public CompiledRoute Route { get; set; }

    /// <summary>Gets or sets the request body (pooled; valid until the request ends).</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>Gets or sets the client's model name.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the offset of the model string token (opening quote) in <see cref="Body"/>.</summary>
    public int ModelTokenStart { get; set; }

    /// <summary>Gets or sets the length of the model string token, quotes included.</summary>
    public int ModelTokenLength { get; set; }

    /// <summary>Gets or sets a value indicating whether the client asked for an SSE stream.</summary>
    public bool Stream { get; set; }

    /// <summary>Gets or sets the provider of the current attempt (for logs and metrics).</summary>
    public ProviderRuntime? Provider { get; set; }

    /// <inheritdoc />
    public UpstreamTarget? Target { get; set; }

    /// <inheritdoc />
    public string? UpstreamModel { get; set; }

    /// <inheritdoc />
    public string? ApiKey { get; set; }
}
