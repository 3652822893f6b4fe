using AiProxy.Configuration.Validation;

namespace AiProxy.Configuration;

/// <summary>Thrown when the config file is invalid at start-up; carries every error with its JSON path.</summary>
public sealed class InvalidConfigException(string path, IReadOnlyList<ConfigError> errors)
    : Exception($"Invalid config {path}: {string.Join("; ", errors)}")
{
    /// <summary>Gets the config file path.</summary>
    public string Path { get; } = path;

    /// <summary>Gets the errors.</summary>
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
