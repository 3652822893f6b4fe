using System.Security.Cryptography;
using System.Text;

namespace AiProxy.Transforms.Keys;

/// <summary>Computes the short, non-reversible identifier used for keys in logs and metrics.</summary>
public static class KeyFingerprint
{
    /// <summary>Returns <c>k_</c> followed by the first 8 hex digits of the SHA-256 of the key.</summary>
    public static string Compute(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var byteCount = Encoding.UTF8.GetByteCount(key);
        var rented = byteCount <= 512 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[byteCount];
            var written = Encoding.UTF8.GetBytes(key, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..written], hash);
            utf8[..written].Clear();
            return "k_" + Convert.ToHexStringLower(hash[..4]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
