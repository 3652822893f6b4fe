namespace AiProxy.Caching.Semantic;

/// <summary>Turns each semantic-cache guard on or off; all are on by default.</summary>
internal sealed class SemanticGuardSettings
{
    /// <summary>Gets or sets a value indicating whether a differing negation or polarity (not, never, enable/disable, on/off…) rejects a candidate.</summary>
    /// <value>Defaults to true.</value>
    public bool Negation { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a differing number, unit, date or version rejects a candidate.</summary>
    /// <value>Defaults to true.</value>
    public bool Numbers { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a differing name, code identifier, path or quoted string rejects a candidate.</summary>
    /// <value>Defaults to true.</value>
    public bool Entities { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a reversed direction or order (A to B vs B to A, ascending/descending…) rejects a candidate.</summary>
    /// <value>Defaults to true.</value>
    public bool Ordering { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a different prompt language rejects a candidate.</summary>
    /// <value>Defaults to true.</value>
    public bool Language { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a second, different stored prompt scoring within <see cref="SemanticCacheSettings.Margin"/> of the best rejects the hit.</summary>
    /// <value>Defaults to true.</value>
    public bool Margin { get; set; } = true;
}
