using Polly;

namespace AiProxy.Upstream;

/// <summary>
/// The per-attempt state of an upstream call, kept in the Polly <see cref="ResilienceContext"/> of the request (as
/// <c>ResilienceKeys</c> in Microsoft.Extensions.Http.Resilience). Each key names the one place that writes it.
/// </summary>
internal static class UpstreamResilienceKeys
{
    /// <summary>The state of the current attempt (provider, lease, retry budget, first-event hold, start time, answer).</summary>
    public static readonly ResiliencePropertyKey<UpstreamAttemptState> Attempt = new("AiProxy.Upstream.Attempt");

    /// <summary>The providers that failed in this request. Written by <see cref="UpstreamAttemptRunner"/> on the first failure.</summary>
    public static readonly ResiliencePropertyKey<FailedProviderSet> FailedProviders = new("AiProxy.Upstream.FailedProviders");
}
