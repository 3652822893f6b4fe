using System.Globalization;
using AiProxy.Configuration;
using AiProxy.Routing;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Caching;

/// <summary>
/// How long a coalesced follower may wait on its leader, counted from the follower's own arrival: the longest the same
/// request would have waited on an upstream that sends nothing (its route's provider <c>Timeout</c>), shortened by the
/// client's own timeout when its SDK declares it (<c>x-stainless-timeout</c> from openai-node,
/// <c>x-stainless-read-timeout</c> from openai-python, both in seconds).
/// </summary>
internal static class FollowerDeadline
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static TimeSpan For(IHeaderDictionary headers, IReadOnlyDictionary<string, ProviderOptions> providers, CompiledRoute route)
    {
        var wait = TimeSpan.Zero;
        foreach (var provider in route.Providers)
        {
            var timeout = providers.TryGetValue(provider.Name, out var options)
                && Duration.TryParse(options?.Timeout, out var parsed) && parsed > TimeSpan.Zero ? parsed : DefaultTimeout;
            wait = timeout > wait ? timeout : wait;
        }
        if (wait == TimeSpan.Zero)
        {
            wait = DefaultTimeout;
        }
        if (ClientTimeout(headers["x-stainless-timeout"]) is { } node && node < wait)
        {
            wait = node;
        }
        if (ClientTimeout(headers["x-stainless-read-timeout"]) is { } python && python < wait)
        {
            wait = python;
        }
        return wait;
    }

    private static TimeSpan? ClientTimeout(string? value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
