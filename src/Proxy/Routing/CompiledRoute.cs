namespace AiProxy.Routing;

/// <summary>How a route spreads requests over its providers.</summary>
internal enum BalanceMode
{
    Fallback,
    Weighted,
    LeastLatency,
}

/// <summary>A route compiled from config.</summary>
internal sealed class CompiledRoute
{
    public required string Name { get; init; }

    public required int Index { get; init; }

    public required ModelGlob[] Models { get; init; }

    public required ProviderRuntime[] Providers { get; init; }

    public BalanceMode Balance { get; init; }

    public string? RewriteModel { get; init; }

    public bool IsMatch(ReadOnlySpan<char> model)
    {
        foreach (var glob in Models)
        {
            if (glob.IsMatch(model))
            {
                return true;
            }
        }
        return false;
    }
}
