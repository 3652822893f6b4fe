namespace AiProxy.Transforms.Keys;

/// <summary>A key spec that resolved to no key, described without the key itself.</summary>
/// <param name="Provider">The provider whose <c>Keys</c> list holds the spec.</param>
/// <param name="Spec">The spec as safe to show: <c>env:NAME</c>, <c>file:PATH</c>, or a literal key's fingerprint.</param>
/// <param name="Remedy">What the operator should do, e.g. <c>set environment variable OPENAI_API_KEY</c>.</param>
public sealed record KeySourceProblem(string Provider, string Spec, string Remedy)
{
    /// <summary>Returns e.g. <c>provider 'openai' has no usable API key: set environment variable OPENAI_API_KEY</c>.</summary>
    public override string ToString() => $"provider '{Provider}' has no usable API key: {Remedy}";
}
