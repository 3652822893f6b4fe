namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Routes</c>.</summary>
internal static class RouteValidator
{
    public static readonly string[] BalanceModes = ["fallback", "weighted", "least-latency"];
    public static readonly string[] CacheModes = ["deterministic", "always", "off"];

    public static void Validate(AiProxyOptions options, List<ConfigError> errors)
    {
        const string root = "$.AiProxy.Routes";
        if (options.Routes.Count == 0)
        {
            errors.Add(new(root, "at least one route is required (e.g. { \"Models\": [\"*\"], \"Providers\": [\"openai\"] })"));
            return;
        }

        var defaults = 0;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var path = ConfigPath.Index(root, i);
            if (route is null)
            {
                errors.Add(new(path, "route must be an object"));
                continue;
            }
            if (route.Name is not null && !names.Add(route.Name))
            {
                errors.Add(new(path + ".Name", $"duplicate route name '{route.Name}'"));
            }

            if (route.Models is not { Count: > 0 })
            {
                errors.Add(new(path + ".Models", "Models needs at least one model name or glob (e.g. \"gpt-*\")"));
            }
            else
            {
                for (var m = 0; m < route.Models.Count; m++)
                {
                    if (string.IsNullOrWhiteSpace(route.Models[m]))
                    {
                        errors.Add(new(ConfigPath.Index(path + ".Models", m), "model pattern is empty"));
                    }
                }
            }

            if (route.Providers is not { Count: > 0 })
            {
                errors.Add(new(path + ".Providers", "Providers needs at least one provider name"));
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var p = 0; p < route.Providers.Count; p++)
                {
                    var name = route.Providers[p];
                    var pp = ConfigPath.Index(path + ".Providers", p);
                    if (string.IsNullOrWhiteSpace(name) || !options.Providers.ContainsKey(name))
                    {
                        errors.Add(new(pp, $"unknown provider '{name}'; known providers: {string.Join(", ", options.Providers.Keys)}"));
                    }
                    else if (!seen.Add(name))
                    {
                        errors.Add(new(pp, $"provider '{name}' is listed twice"));
                    }
                }
            }

            if (route.Balance is not null && Array.IndexOf(BalanceModes, route.Balance.ToLowerInvariant()) < 0)
            {
                errors.Add(new(path + ".Balance", $"unknown balance '{route.Balance}'; one of: {string.Join(", ", BalanceModes)}"));
            }
            if (route.RewriteModel is not null && string.IsNullOrWhiteSpace(route.RewriteModel))
            {
                errors.Add(new(path + ".RewriteModel", "RewriteModel is empty"));
            }
            if (route.Default == true)
            {
                defaults++;
                if (defaults > 1)
                {
                    errors.Add(new(path + ".Default", "only one route can be the default"));
                }
            }
            if (route.Cache is { } cache)
            {
                CacheMode(cache.Mode, path + ".Cache.Mode", errors);
                Ttl(cache.Ttl, path + ".Cache.Ttl", errors);
            }
        }
    }

    internal static void CacheMode(string? mode, string path, List<ConfigError> errors)
    {
        if (mode is not null && Array.IndexOf(CacheModes, mode.ToLowerInvariant()) < 0)
        {
            errors.Add(new(path, $"unknown cache mode '{mode}'; one of: {string.Join(", ", CacheModes)}"));
        }
    }

    internal static void Ttl(string? ttl, string path, List<ConfigError> errors)
    {
        if (ttl is not null && (!Duration.TryParse(ttl, out var value) || value <= TimeSpan.Zero))
        {
            errors.Add(new(path, $"'{ttl}' is not a positive duration (use e.g. 01:00:00, 30m or 3600s)"));
        }
    }
}
