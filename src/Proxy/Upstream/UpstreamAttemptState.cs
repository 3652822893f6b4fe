using AiProxy.Routing;
using AiProxy.Transforms.Keys;

namespace AiProxy.Upstream;

/// <summary>
/// The state of the current upstream attempt, one object per request under <see cref="UpstreamResilienceKeys.Attempt"/>
/// (one property instead of one per field: no boxing and no dictionary growth per attempt). Each member names the one
/// place that writes it.
/// </summary>
internal sealed class UpstreamAttemptState
{
    /// <summary>Gets or sets the provider of the current attempt. Written by <see cref="UpstreamAttemptRunner"/> before forwarding.</summary>
    public ProviderRuntime? Provider { get; set; }

    /// <summary>Gets or sets the key lease of the current attempt (null for keyless providers). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public KeyLease? Lease { get; set; }

    /// <summary>Gets or sets whether a failed answer of this attempt may be retried (attempt budget and deadline). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public bool RetryAllowed { get; set; }

    /// <summary>Gets or sets how long a streamed answer is held for its first event (zero: not held). Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public TimeSpan FirstEventHold { get; set; }

    /// <summary>Gets or sets the timestamp the attempt was sent, for its time to first byte. Written by <see cref="UpstreamAttemptRunner"/>.</summary>
    public long AttemptStart { get; set; }

    /// <summary>Gets or sets the upstream's answer. Reset by <see cref="UpstreamAttemptRunner"/>, written by <c>UpstreamOutcomeTransform</c>.</summary>
    public UpstreamAnswer Answer { get; set; }
}
