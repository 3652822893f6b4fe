namespace AiProxy.Transforms.Keys;

/// <summary>Limits the proxy enforces on each upstream key by counting locally (fixed one-minute windows).</summary>
public sealed class KeyLimits
{
    /// <summary>Gets or sets the requests each key may take per minute.</summary>
    /// <value>Defaults to <see langword="null"/>: no local request limit.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets the tokens (estimated at acquire time, settled with actual usage) each key may take per minute.</summary>
    /// <value>Defaults to <see langword="null"/>: no local token limit.</value>
    public int? TokensPerMinute { get; set; }
}
