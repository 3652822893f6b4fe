using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Providers</c>.</summary>
internal static class ProviderValidator
{
    public static readonly string[] Types = ["openai", "azure-openai", "openrouter", "ollama", "openai-compatible"];
    public static readonly string[] KeyStrategies = ["round-robin", "least-loaded", "quota-aware"];
    private static readonly string[] ReservedHeaders = ["authorization", "api-key", "host", "content-length", "transfer-encoding"];

    public static void Validate(AiProxyOptions options, Func<string, bool> sectionExists, List<ConfigError> errors)
    {
        const string root = "$.AiProxy.Providers";
        if (options.Providers.Count == 0)
        {
            errors.Add(new(root, "at least one provider is required"));
            return;
        }

        foreach (var (name, provider) in options.Providers)
        {
            var path = ConfigPath.Child(root, name);
            if (provider is null)
            {
                errors.Add(new(path, "provider must be an object"));
                continue;
            }

            var kind = ParseKind(provider.Type);
            if (provider.Type is null)
            {
                errors.Add(new(path + ".Type", $"Type is required; one of: {string.Join(", ", Types)}"));
            }
            else if (kind is null)
            {
                errors.Add(new(path + ".Type", $"unknown provider type '{provider.Type}'; one of: {string.Join(", ", Types)}"));
            }

            if (string.IsNullOrWhiteSpace(provider.BaseUrl))
            {
                errors.Add(new(path + ".BaseUrl", "BaseUrl is required (e.g. https://api.openai.com/v1)"));
            }
            else if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(new(path + ".BaseUrl", "BaseUrl must be an absolute http(s) URL (e.g. https://api.openai.com/v1)"));
            }
            else if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add(new(path + ".BaseUrl", "BaseUrl must not have credentials, a query or a fragment (keys go in Keys)"));
            }

            ValidateKeys(provider.Keys, sectionExists($"AiProxy:Providers:{name}:Keys"), path + ".Keys", errors);
            if (provider.Keys is null && kind is ProviderKind.OpenAI or ProviderKind.AzureOpenAI or ProviderKind.OpenRouter)
            {
                errors.Add(new(path + ".Keys", $"Keys is required for type '{provider.Type}' (e.g. [\"env:OPENAI_API_KEY\"])"));
            }

            if (provider.KeyStrategy is not null && Array.IndexOf(KeyStrategies, provider.KeyStrategy.ToLowerInvariant()) < 0)
            {
                errors.Add(new(path + ".KeyStrategy", $"unknown key strategy '{provider.KeyStrategy}'; one of: {string.Join(", ", KeyStrategies)}"));
            }

            if (provider.Limits is { } limits)
            {
                Positive(limits.RequestsPerMinute, path + ".Limits.RequestsPerMinute", errors);
                Positive(limits.TokensPerMinute, path + ".Limits.TokensPerMinute", errors);
            }

            if (provider.Timeout is not null && (!Duration.TryParse(provider.Timeout, out var timeout) || timeout <= TimeSpan.Zero))
            {
                errors.Add(new(path + ".Timeout", $"'{provider.Timeout}' is not a positive duration (use e.g. 00:05:00, 300s or 5m)"));
            }

            Positive(provider.Weight, path + ".Weight", errors);

            if (provider.ApiVersion is not null && kind is not null and not ProviderKind.AzureOpenAI)
            {
                errors.Add(new(path + ".ApiVersion", "ApiVersion applies only to type 'azure-openai'"));
            }
            if (provider.Deployments is not null && kind is not null and not ProviderKind.AzureOpenAI)
            {
                errors.Add(new(path + ".Deployments", "Deployments applies only to type 'azure-openai'"));
            }

            if (provider.Headers is not null)
            {
                foreach (var header in provider.Headers.Keys)
                {
                    if (Array.IndexOf(ReservedHeaders, header.ToLowerInvariant()) >= 0)
                    {
                        errors.Add(new(path + ".Headers." + header, $"header '{header}' is managed by the proxy and cannot be set here"));
                    }
                }
            }
        }
    }

    public static void ValidateKeys(List<string>? keys, bool present, string path, List<ConfigError> errors)
    {
        if (keys is null || keys.Count == 0)
        {
            if (present)
            {
                errors.Add(new(path, "the key list is empty; list at least one key (a literal, env:NAME or file:PATH)"));
            }
            return;
        }
        for (var i = 0; i < keys.Count; i++)
        {
            var spec = keys[i];
            var p = ConfigPath.Index(path, i);
            if (string.IsNullOrWhiteSpace(spec))
            {
                errors.Add(new(p, "key is empty"));
            }
            else if (KeySpec.Parse(spec) is { Kind: KeySpecKind.Environment, Value.Length: 0 })
            {
                errors.Add(new(p, "env: needs a variable name (env:NAME)"));
            }
            else if (KeySpec.Parse(spec) is { Kind: KeySpecKind.File, Value.Length: 0 })
            {
                errors.Add(new(p, "file: needs a path (file:/path/to/key)"));
            }
        }
    }

    public static ProviderKind? ParseKind(string? type) => type?.ToLowerInvariant() switch
    {
        "openai" => ProviderKind.OpenAI,
        "azure-openai" => ProviderKind.AzureOpenAI,
        "openrouter" => ProviderKind.OpenRouter,
        "ollama" => ProviderKind.Ollama,
        "openai-compatible" => ProviderKind.OpenAICompatible,
        _ => null,
    };

    internal static void Positive(long? value, string path, List<ConfigError> errors)
    {
        if (value is <= 0)
        {
            errors.Add(new(path, $"must be a positive number, found {value}"));
        }
    }
}
