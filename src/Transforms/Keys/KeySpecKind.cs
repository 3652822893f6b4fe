namespace AiProxy.Transforms.Keys;

/// <summary>Where a key spec takes its key from.</summary>
internal enum KeySpecKind
{
    Literal,
    Environment,
    File,
}
