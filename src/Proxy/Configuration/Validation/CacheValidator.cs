namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Cache</c>, <c>AiProxy:Redis</c> and the body limit.</summary>
internal static class CacheValidator
{
    public static void Validate(AiProxyOptions options, List<ConfigError> errors)
    {
        ProviderValidator.Positive(options.MaxRequestBodyBytes, "$.AiProxy.MaxRequestBodyBytes", errors);

        if (options.Cache is { } cache)
        {
            const string path = "$.AiProxy.Cache";
            RouteValidator.CacheMode(cache.Mode, path + ".Mode", errors);
            RouteValidator.Ttl(cache.Ttl, path + ".Ttl", errors);
            ProviderValidator.Positive(cache.MemoryLimitBytes, path + ".MemoryLimitBytes", errors);
            ProviderValidator.Positive(cache.MaxEntryBytes, path + ".MaxEntryBytes", errors);
            if (cache.Semantic is { } semantic)
            {
                if (semantic.Threshold is { } t && (t <= 0 || t > 1))
                {
                    errors.Add(new(path + ".Semantic.Threshold", $"Threshold must be in (0, 1], found {t}"));
                }
                if (semantic.Provider is { } p && !options.Providers.ContainsKey(p))
                {
                    errors.Add(new(path + ".Semantic.Provider", $"unknown provider '{p}'; known providers: {string.Join(", ", options.Providers.Keys)}"));
                }
                if (semantic.Embeddings is { } e && !string.Equals(e, "local", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(new(path + ".Semantic.Embeddings", $"Embeddings is 'local' or absent (then set Provider and Model), found '{e}'"));
                }
            }
        }

        if (options.Redis is { } redis)
        {
            if (string.IsNullOrWhiteSpace(redis.Configuration))
            {
                errors.Add(new("$.AiProxy.Redis.Configuration", "Configuration is required when Redis is present (e.g. 127.0.0.1:6379)"));
            }
            ProviderValidator.Positive(redis.ExpectedReplicas, "$.AiProxy.Redis.ExpectedReplicas", errors);
            RouteValidator.Ttl(redis.OperationTimeout, "$.AiProxy.Redis.OperationTimeout", errors);
        }

        if (options.Retry is { } retry)
        {
            ProviderValidator.Positive(retry.MaxAttempts, "$.AiProxy.Retry.MaxAttempts", errors);
            RouteValidator.Ttl(retry.Deadline, "$.AiProxy.Retry.Deadline", errors);
            if (retry.BaseDelay is not null && !Duration.TryParse(retry.BaseDelay, out _))
            {
                errors.Add(new("$.AiProxy.Retry.BaseDelay", $"'{retry.BaseDelay}' is not a duration (use e.g. 100ms)"));
            }
        }

        if (options.Prices is { } prices)
        {
            foreach (var (model, price) in prices)
            {
                var path = "$.AiProxy.Prices." + model;
                if (price is null)
                {
                    continue;
                }
                NonNegative(price.InputPerMillion, path + ".InputPerMillion", errors);
                NonNegative(price.OutputPerMillion, path + ".OutputPerMillion", errors);
                NonNegative(price.CachedInputPerMillion, path + ".CachedInputPerMillion", errors);
            }
        }
    }

    private static void NonNegative(double? value, string path, List<ConfigError> errors)
    {
        if (value is < 0)
        {
            errors.Add(new(path, $"must not be negative, found {value}"));
        }
    }
}
