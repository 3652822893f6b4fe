namespace AiProxy.Transforms.Keys;

/// <summary>A snapshot of one key for metrics; it carries the fingerprint, never the key.</summary>
/// <param name="Fingerprint">The key's fingerprint, see <see cref="KeyFingerprint"/>.</param>
/// <param name="State">Whether the key can take requests now.</param>
/// <param name="InFlight">Leases of this key not yet disposed.</param>
/// <param name="RemainingRequests">Requests left in the current window (upstream headers, else local limit), or <see langword="null"/> when unknown.</param>
/// <param name="RemainingTokens">Tokens left in the current window (upstream headers, else local limit), or <see langword="null"/> when unknown.</param>
public readonly record struct KeyStatus(string Fingerprint, KeyState State, int InFlight, long? RemainingRequests, long? RemainingTokens);
