namespace AiProxy.Transforms.Keys;

/// <summary>The result of <see cref="UpstreamKeyPool.Acquire"/>: a lease, or why there is none and when to retry.</summary>
public readonly struct KeyAcquireResult
{
    internal KeyAcquireResult(KeyAcquireStatus status, KeyLease? lease, TimeSpan retryAfter)
    {
        Status = status;
        Lease = lease;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets whether a key was leased.</summary>
    public KeyAcquireStatus Status { get; }

    /// <summary>Gets the lease when <see cref="Status"/> is <see cref="KeyAcquireStatus.Acquired"/>; dispose it when the upstream exchange is over.</summary>
    public KeyLease? Lease { get; }

    /// <summary>Gets the delay until the soonest key recovers when <see cref="Status"/> is <see cref="KeyAcquireStatus.Exhausted"/>; <see cref="Timeout.InfiniteTimeSpan"/> for <see cref="KeyAcquireStatus.NoUsableKey"/>.</summary>
    public TimeSpan RetryAfter { get; }
}
