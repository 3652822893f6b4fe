using System.Security.Cryptography;

namespace AiProxy.Clients;

/// <summary>
/// Marks the proxy's own calls to itself (the semantic cache's upstream embeddings): a per-process random token, never
/// logged or configured, that the client identity step accepts in place of a client key.
/// </summary>
internal static class InternalRequest
{
    public const string HeaderName = "x-aiproxy-internal";

    public static readonly string Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Compares in constant time; false for anything but this process's token.</summary>
    public static bool IsValid(ReadOnlySpan<char> presented)
        => presented.Length == Token.Length
            && CryptographicOperations.FixedTimeEquals(System.Runtime.InteropServices.MemoryMarshal.AsBytes(presented),
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(Token.AsSpan()));
}
