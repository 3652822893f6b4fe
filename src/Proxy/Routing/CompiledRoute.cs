using AiProxy.Configuration;

namespace AiProxy.Routing;

/// <summary>A route compiled from config.</summary>
internal sealed class CompiledRoute
{
    private IProviderSelector? _selector;

    public required string Name { get; init; }

    public required int Index { get; init; }

    public required ModelGlob[] Models { get; init; }

    public required ProviderRuntime[] Providers { get; init; }

    public BalanceMode Balance { get; init; }

    public string? RewriteModel { get; init; }

    /// <summary>Gets the provider selector of <see cref="Balance"/> (built on first use; it keeps the route's balancing state).</summary>
    public IProviderSelector Selector
    {
        get
        {
            var selector = Volatile.Read(ref _selector);
            if (selector is null)
            {
                Interlocked.CompareExchange(ref _selector, ProviderSelectors.Create(Balance, Providers), null);
                selector = _selector!;
            }
            return selector;
        }
    }

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
