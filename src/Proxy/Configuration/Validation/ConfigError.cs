namespace AiProxy.Configuration.Validation;

/// <summary>One problem in the config, located by JSON path (e.g. <c>$.AiProxy.Routes[0].Providers[1]</c>).</summary>
public sealed record ConfigError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
