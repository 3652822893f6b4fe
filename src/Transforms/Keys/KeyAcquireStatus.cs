namespace AiProxy.Transforms.Keys;

/// <summary>The outcome of <see cref="UpstreamKeyPool.Acquire"/>.</summary>
public enum KeyAcquireStatus
{
    /// <summary>A key was leased.</summary>
    Acquired,

    /// <summary>Every key is temporarily unusable (cooldown, quota, local limit, open circuit); retry after the given delay.</summary>
    Exhausted,

    /// <summary>No key will recover by waiting: none resolved from the config, or the upstream rejected all of them.</summary>
    NoUsableKey,
}
