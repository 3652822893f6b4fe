namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Clients</c> and the anonymous limits.</summary>
internal static class ClientValidator
{
    public static void Validate(AiProxyOptions options, Func<string, bool> sectionExists, List<ConfigError> errors)
    {
        if (options.AnonymousRateLimit is { } anon)
        {
            Limits(anon, "$.AiProxy.AnonymousRateLimit", errors);
        }
        if (options.Clients is null)
        {
            return;
        }
        foreach (var (name, client) in options.Clients)
        {
            var path = "$.AiProxy.Clients." + name;
            if (client is null)
            {
                errors.Add(new(path, "client must be an object"));
                continue;
            }
            if (client.Keys is null && !sectionExists($"AiProxy:Clients:{name}:Keys"))
            {
                errors.Add(new(path + ".Keys", "Keys is required: the keys this client sends as its API key"));
            }
            ProviderValidator.ValidateKeys(client.Keys, sectionExists($"AiProxy:Clients:{name}:Keys"), path + ".Keys", errors);
            if (client.RateLimit is { } limits)
            {
                Limits(limits, path + ".RateLimit", errors);
            }
            if (client.AllowedModels is { } models)
            {
                for (var i = 0; i < models.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(models[i]))
                    {
                        errors.Add(new(ConfigPath.Index(path + ".AllowedModels", i), "model pattern is empty"));
                    }
                }
            }
        }
    }

    private static void Limits(ClientRateLimitOptions limits, string path, List<ConfigError> errors)
    {
        ProviderValidator.Positive(limits.RequestsPerMinute, path + ".RequestsPerMinute", errors);
        ProviderValidator.Positive(limits.TokensPerMinute, path + ".TokensPerMinute", errors);
        ProviderValidator.Positive(limits.MaxConcurrent, path + ".MaxConcurrent", errors);
    }
}
