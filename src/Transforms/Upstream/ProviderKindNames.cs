using AiProxy.Transforms.Configuration;

namespace AiProxy.Transforms.Upstream;

/// <summary>The config-file names of <see cref="ProviderKind"/> (<c>Providers.*.Type</c>).</summary>
public static class ProviderKindNames
{
    /// <summary>Gets the accepted names: <c>openai</c>, <c>azure-openai</c>, <c>openrouter</c>, <c>ollama</c>, <c>openai-compatible</c>.</summary>
    public static NameTable<ProviderKind> Table { get; } = new(
        ("openai", ProviderKind.OpenAI),
        ("azure-openai", ProviderKind.AzureOpenAI),
        ("openrouter", ProviderKind.OpenRouter),
        ("ollama", ProviderKind.Ollama),
        ("openai-compatible", ProviderKind.OpenAICompatible));
}
