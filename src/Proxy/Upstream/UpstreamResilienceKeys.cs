using AiProxy.Routing;
using AiProxy.Transforms.Keys;
using Polly;

namespace AiProxy.Upstream;

/// <summary>
/// The per-attempt state of an upstream call, kept in the Polly <see cref="ResilienceContext"/> of the request (as
/// <c>ResilienceKeys</c> in Microsoft.Extensions.Http.Resilience). Each key names the one place that writes it.
/// </summary>
internal static class UpstreamResilienceKeys
{
    /// <summary>The provider of the current attempt. Written by <see cref="UpstreamAttemptRunner"/> before forwarding.</summary>
    public static readonly ResiliencePropertyKey<ProviderRuntime> Provider = new("AiProxy.Upstream.Provider");

    /// <summary>The key lease of the current attempt (null for keyless providers). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public static readonly ResiliencePropertyKey<KeyLease?> Lease = new("AiProxy.Upstream.Lease");

    /// <summary>Whether a failed answer of this attempt may be retried (attempt budget and deadline). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public static readonly ResiliencePropertyKey<bool> RetryAllowed = new("AiProxy.Upstream.RetryAllowed");

    /// <summary>How long a streamed answer of this attempt is held for its first event (zero: not held, as on the last attempt of a keyless provider). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> FirstEventHold = new("AiProxy.Upstream.FirstEventHold");

    /// <summary>The timestamp the current attempt was sent, for its time to first byte. Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public static readonly ResiliencePropertyKey<long> AttemptStart = new("AiProxy.Upstream.AttemptStart");

    /// <summary>The upstream's answer to the current attempt. Reset by <see cref="UpstreamAttemptRunner"/>, written by <c>UpstreamOutcomeTransform</c>.</summary>
    public static readonly ResiliencePropertyKey<UpstreamAnswer> Answer = new("AiProxy.Upstream.Answer");

    /// <summary>The providers that failed in this request. Written by <see cref="UpstreamAttemptRunner"/> on the first failure.</summary>
    public static readonly ResiliencePropertyKey<FailedProviderSet> FailedProviders = new("AiProxy.Upstream.FailedProviders");
}
