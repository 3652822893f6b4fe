using System.Runtime.CompilerServices;
using AiProxy.Runtime;

namespace AiProxy.Upstream;

/// <summary>
/// Compiles each config generation's retry settings into a <see cref="RetryPolicy"/> once: the snapshot holds the
/// options (data), the Polly pipeline built from them lives here, with the host's clock.
/// </summary>
internal sealed class RetryPolicies(TimeProvider time)
{
    private readonly ConditionalWeakTable<AiProxySnapshot, RetryPolicy> _bySnapshot = new();

    /// <summary>Gets the policy of <paramref name="snapshot"/>; lock-free once compiled (a racing first compile builds an equal policy).</summary>
    public RetryPolicy For(AiProxySnapshot snapshot)
    {
        if (_bySnapshot.TryGetValue(snapshot, out var policy))
        {
            return policy;
        }
        policy = new RetryPolicy(snapshot.Options.Retry, time);
        return _bySnapshot.TryAdd(snapshot, policy) || !_bySnapshot.TryGetValue(snapshot, out var won) ? policy : won;
    }
}
