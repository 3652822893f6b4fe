namespace AiProxy.Transforms.Keys;

/// <summary>One entry of a provider's <c>Keys</c> list: a literal key, <c>env:NAME</c> or <c>file:PATH</c>.</summary>
internal readonly struct KeySpec : IEquatable<KeySpec>
{
    private const string EnvPrefix = "env:";
    private const string FilePrefix = "file:";

    private KeySpec(KeySpecKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public KeySpecKind Kind { get; }

    /// <summary>The literal key, the variable name or the path. Never log it for literals.</summary>
    public string Value { get; }

    public static KeySpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.StartsWith(EnvPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new KeySpec(KeySpecKind.Environment, spec[EnvPrefix.Length..].Trim());
        }

        if (spec.StartsWith(FilePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return new KeySpec(KeySpecKind.File, spec[FilePrefix.Length..].Trim());
        }

        return new KeySpec(KeySpecKind.Literal, spec.Trim());
    }

    /// <summary>Returns a description safe for logs and error messages: literal keys are shown by fingerprint only.</summary>
    public string Describe() => Kind switch
    {
        KeySpecKind.Environment => EnvPrefix + Value,
        KeySpecKind.File => FilePrefix + Value,
        _ => Value.Length == 0 ? "literal key (empty)" : "literal key " + KeyFingerprint.Compute(Value),
    };

    public bool Equals(KeySpec other) => Kind == other.Kind && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is KeySpec other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Value);

    public override string ToString() => Describe();
}
