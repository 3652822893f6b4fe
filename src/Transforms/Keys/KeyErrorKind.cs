namespace AiProxy.Transforms.Keys;

/// <summary>What an upstream error answer says about the key that was used, which decides what happens to the key.</summary>
public enum KeyErrorKind
{
    /// <summary>Not a key error (success, or an error about the request).</summary>
    None,

    /// <summary>A throughput 429: the key cools down for the upstream's retry delay.</summary>
    Throttled,

    /// <summary>Out of money (429 <c>insufficient_quota</c>, 402): the key is taken out for the pool's quota cooldown.</summary>
    QuotaExhausted,

    /// <summary>401, or a 403 naming an invalid, revoked or deactivated key: the key is disabled.</summary>
    KeyRejected,

    /// <summary>A 403 about the model, region, project or a permission: it goes back to the client and the key stays in the pool.</summary>
    Forbidden,
}
