using System.Diagnostics.Metrics;
using AiProxy.Configuration;
using AiProxy.Runtime;
using AiProxy.Transforms.Keys;

namespace AiProxy.Metrics;

/// <summary>
/// Observable gauges over the providers in force: each key's state (by fingerprint) and each provider's per-minute
/// quota and usage, so alert rules can warn at 70/85/95% of the quota.
/// </summary>
internal sealed class ProviderMetrics
{
    public ProviderMetrics(IMeterFactory meterFactory, AiProxyConfigStore store)
    {
        var meter = meterFactory.Create(ProxyMetrics.MeterName);
        meter.CreateObservableGauge("aiproxy.key.state", () => KeyStates(store), "{key}",
            "1 for the current state of each upstream key (available, cooldown, circuit_open, disabled), by provider and key fingerprint.");
        meter.CreateObservableGauge("aiproxy.provider.requests.quota", () => Quota(store, tokens: false), "{request}",
            "Configured requests per minute of a provider (per-key limit times keys).");
        meter.CreateObservableGauge("aiproxy.provider.requests.usage", () => Usage(store, tokens: false), "{request}",
            "Requests sent to a provider in the last minute.");
        meter.CreateObservableGauge("aiproxy.provider.tokens.quota", () => Quota(store, tokens: true), "{token}",
            "Configured tokens per minute of a provider (per-key limit times keys).");
        meter.CreateObservableGauge("aiproxy.provider.tokens.usage", () => Usage(store, tokens: true), "{token}",
            "Tokens used at a provider in the last minute.");
    }

    private static IEnumerable<Measurement<long>> KeyStates(AiProxyConfigStore store)
    {
        foreach (var provider in store.Current.Providers.Values)
        {
            if (provider.Keys is null)
            {
                continue;
            }
            foreach (var key in provider.Keys.GetKeyStatuses())
            {
                yield return new Measurement<long>(1,
                    new KeyValuePair<string, object?>("provider", provider.Name),
                    new KeyValuePair<string, object?>("key", key.Fingerprint),
                    new KeyValuePair<string, object?>("state", StateLabel(key.State)));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Quota(AiProxyConfigStore store, bool tokens)
    {
        foreach (var provider in store.Current.Providers.Values)
        {
            var perKey = tokens ? provider.TokensPerMinutePerKey : provider.RequestsPerMinutePerKey;
            if (perKey is { } limit && provider.Keys is { Count: > 0 } keys)
            {
                yield return new Measurement<long>((long)limit * keys.Count, new KeyValuePair<string, object?>("provider", provider.Name));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Usage(AiProxyConfigStore store, bool tokens)
    {
        foreach (var provider in store.Current.Providers.Values)
        {
            yield return new Measurement<long>((tokens ? provider.Tokens : provider.Requests).Sum(), new KeyValuePair<string, object?>("provider", provider.Name));
        }
    }

    private static string StateLabel(KeyState state) => state switch
    {
        KeyState.Cooldown => "cooldown",
        KeyState.CircuitOpen => "circuit_open",
        KeyState.Disabled => "disabled",
        _ => "available",
    };
}
