namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Routes</c>, including each route's cache override.</summary>
internal sealed class RouteValidator : IConfigSectionValidator
{
    private const string Root = "$.AiProxy.Routes";

    public void Validate(ConfigValidationContext context)
    {
        var routes = context.Options.Routes;
        if (routes.Count == 0)
        {
            context.Add(Root, "at least one route is required (e.g. { \"Models\": [\"*\"], \"Providers\": [\"openai\"] })");
            return;
        }

        var defaults = 0;
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var path = ConfigPath.Index(Root, i);
            if (route is null)
            {
                context.Add(path, "route must be an object");
                continue;
            }
            if (route.Name is not null && !names.TryAdd(route.Name, i))
            {
                context.Add(path + ".Name", $"duplicate route name: Routes[{names[route.Name]}] has the same Name (names are case-insensitive)");
            }
            Targets(context, route, path);
            if (route.Default == true && ++defaults > 1)
            {
                context.Add(path + ".Default", "only one route can be the default");
            }
            if (route.Cache is { } cache)
            {
                context.OneOf(CacheModeNames.Table, cache.Mode, path + ".Cache.Mode", "cache mode");
                context.PositiveDuration(cache.Ttl, path + ".Cache.Ttl");
            }
        }
    }

    private static void Targets(ConfigValidationContext context, RouteOptions route, string path)
    {
        if (route.Models is not { Count: > 0 })
        {
            context.Add(path + ".Models", "Models needs at least one model name or glob (e.g. \"gpt-*\")");
        }
        context.ModelPatterns(route.Models, path + ".Models");

        if (route.Providers is not { Count: > 0 })
        {
            context.Add(path + ".Providers", "Providers needs at least one provider name");
        }
        else
        {
            Providers(context, route.Providers, path + ".Providers");
        }

        context.OneOf(BalanceModeNames.Table, route.Balance, path + ".Balance", "balance");
        if (route.RewriteModel is not null && string.IsNullOrWhiteSpace(route.RewriteModel))
        {
            context.Add(path + ".RewriteModel", "RewriteModel is empty");
        }
    }

    private static void Providers(ConfigValidationContext context, List<string> providers, string path)
    {
        var known = context.Options.Providers;
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var p = 0; p < providers.Count; p++)
        {
            var name = providers[p];
            var pp = ConfigPath.Index(path, p);
            if (string.IsNullOrWhiteSpace(name) || !known.ContainsKey(name))
            {
                context.Add(pp, ConfigMessages.UnknownProvider(known.Keys));
            }
            else if (!seen.TryAdd(name, p))
            {
                context.Add(pp, $"the provider is listed twice: the same as Providers[{seen[name]}]");
            }
        }
    }
}
