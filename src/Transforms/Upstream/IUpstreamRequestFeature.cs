namespace AiProxy.Transforms.Upstream;

/// <summary>Per-attempt choice of upstream made by the proxy pipeline and read by the transforms.</summary>
public interface IUpstreamRequestFeature
{
    /// <summary>Gets or sets the provider this attempt goes to.</summary>
    UpstreamTarget? Target { get; set; }

    /// <summary>Gets or sets the model name the upstream sees (after <c>RewriteModel</c>); null for pass-through paths.</summary>
    string? UpstreamModel { get; set; }

    /// <summary>Gets or sets the API key to inject; null sends no key (keyless providers).</summary>
    string? ApiKey { get; set; }
}

/// <summary>Default mutable <see cref="IUpstreamRequestFeature"/>.</summary>
public sealed class UpstreamRequestFeature : IUpstreamRequestFeature
{
    /// <inheritdoc />
    public UpstreamTarget? Target { get; set; }

    /// <inheritdoc />
    public string? UpstreamModel { get; set; }

    /// <inheritdoc />
    public string? ApiKey { get; set; }
}
