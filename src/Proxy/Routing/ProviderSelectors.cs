using AiProxy.Configuration;

namespace AiProxy.Routing;

/// <summary>Builds the <see cref="IProviderSelector"/> of a route's <see cref="BalanceMode"/>.</summary>
internal static class ProviderSelectors
{
    public static IProviderSelector Create(BalanceMode mode, ProviderRuntime[] providers) => mode switch
    {
        _ when providers.Length < 2 => FallbackProviderSelector.Instance,
        BalanceMode.Weighted => new WeightedProviderSelector(providers),
        BalanceMode.LeastLatency => new LeastLatencyProviderSelector(providers, providers[0].Time),
        _ => FallbackProviderSelector.Instance,
    };
}
