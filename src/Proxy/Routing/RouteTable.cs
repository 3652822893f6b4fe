namespace AiProxy.Routing;

/// <summary>Ordered routes; the first whose glob matches the model wins.</summary>
internal sealed class RouteTable
{
    public RouteTable(CompiledRoute[] routes, CompiledRoute defaultRoute)
    {
        Routes = routes;
        Default = defaultRoute;
    }

    public CompiledRoute[] Routes { get; }

    /// <summary>Gets the route whose first provider serves non-model <c>/v1/*</c> paths.</summary>
    public CompiledRoute Default { get; }

    public CompiledRoute? Match(ReadOnlySpan<char> model)
    {
        foreach (var route in Routes)
        {
            if (route.IsMatch(model))
            {
                return route;
            }
        }
        return null;
    }

    /// <summary>The literal model names of the routes, in route order (glob routes are filled in by <see cref="ModelCatalog"/>).</summary>
    public IReadOnlyList<(string Model, string OwnedBy)> ListedModels()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<(string, string)>();
        foreach (var route in Routes)
        {
            foreach (var glob in route.Models)
            {
                if (glob.IsLiteral && seen.Add(glob.Pattern))
                {
                    result.Add((glob.Pattern, route.Providers[0].Name));
                }
            }
        }
        return result;
    }
}
