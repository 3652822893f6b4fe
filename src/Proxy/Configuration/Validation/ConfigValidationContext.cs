using Microsoft.Extensions.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>What a section validator reads (the bound options and the raw tree) and where it reports.</summary>
internal sealed class ConfigValidationContext(AiProxyOptions options, IConfiguration configuration, List<ConfigError> errors)
{
    public AiProxyOptions Options { get; } = options;

    public List<ConfigError> Errors { get; } = errors;

    /// <summary>Tells an empty list (<c>"Keys": []</c>, which binds to null) from an absent one.</summary>
    public bool SectionExists(string key) => configuration.GetSection(key).Exists();

    public void Add(string path, string message) => Errors.Add(new(path, message));
}
