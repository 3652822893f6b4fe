using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Transforms.Keys;

namespace AiProxy.Upstream;

/// <summary>
/// Picks the provider and key of the next attempt: the route's selector chooses who goes first, the others follow in
/// config order; a provider needs a usable key and a closed (or probing) breaker. Records on the request why nothing
/// was available, for the error the client gets.
/// </summary>
internal static class ProviderCandidates
{
    public static bool TrySelect(AiRequestFeature feature, FailedProviderSet? failed, out ProviderRuntime provider, out int index, out KeyLease? lease)
    {
        var route = feature.Route;
        var providers = route.Providers;
        var first = providers.Length > 1 ? route.Selector.PickFirst() : 0;

        // First pass skips providers that already failed in this request; the second lets them try again.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var k = 0; k < providers.Length; k++)
            {
                var i = k == 0 ? first : k <= first ? k - 1 : k;
                if (pass == 0 && failed is not null && failed.Contains(i))
                {
                    continue;
                }
                if (TryTake(feature, providers[i], out lease))
                {
                    provider = providers[i];
                    index = i;
                    return true;
                }
            }
            if (failed is null || failed.IsEmpty)
            {
                break;
            }
        }

        provider = null!;
        index = -1;
        lease = null;
        return false;
    }

    private static bool TryTake(AiRequestFeature feature, ProviderRuntime candidate, out KeyLease? lease)
    {
        lease = null;
        if (candidate.Keys is { } pool)
        {
            var result = pool.Acquire(feature.EstimatedTokens, feature.Priority);
            if (result.Status == KeyAcquireStatus.Exhausted)
            {
                // Keys cooling down after 429s mean "rate limited"; keys whose breakers are open mean "provider down".
                if (AnyRateLimited(pool))
                {
                    feature.SoonestKeyRecovery = Min(feature.SoonestKeyRecovery, result.RetryAfter);
                }
                else
                {
                    feature.SoonestAvailable = Min(feature.SoonestAvailable, result.RetryAfter);
                }
                return false;
            }
            if (result.Status == KeyAcquireStatus.NoUsableKey)
            {
                feature.KeyProblem ??= candidate.KeyProblem ?? pool.DescribeUnavailable();
                return false;
            }
            lease = result.Lease;
        }
        if (!candidate.Breaker.TryEnter())
        {
            lease?.Dispose();
            lease = null;
            feature.SoonestAvailable = Min(feature.SoonestAvailable, candidate.Breaker.RetryAfter);
            return false;
        }
        return true;
    }

    private static TimeSpan Min(TimeSpan? current, TimeSpan value) => current is { } c && c < value ? c : value;

    private static bool AnyRateLimited(UpstreamKeyPool pool)
    {
        // Only on the exhausted path: the snapshot allocation does not touch the hot path.
        foreach (var status in pool.GetKeyStatuses())
        {
            if (status.State == KeyState.Cooldown)
            {
                return true;
            }
        }
        return false;
    }
}
