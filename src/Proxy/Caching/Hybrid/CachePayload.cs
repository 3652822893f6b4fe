using System.Buffers.Binary;
using System.Text;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// The byte layout shared by L1 and L2, so that creation time, expiry and tags travel with the payload and tag
/// invalidation works for entries read back from another replica.
/// </summary>
/// <remarks>
/// Little-endian: magic (1) · version (1) · created UTC ticks (8) · expires UTC ticks (8) · tag count (2) ·
/// [tag byte length (2) · UTF-8 tag]* · payload length (4) · payload.
/// </remarks>
internal static class CachePayload
{
    public const byte Magic = 0xAC;
    public const byte Version = 1;
    private const int FixedHeaderSize = 1 + 1 + 8 + 8 + 2;

    public static int GetHeaderSize(string[] tags)
    {
        var size = FixedHeaderSize + 4;
        foreach (var tag in tags)
        {
            size += 2 + Encoding.UTF8.GetByteCount(tag);
        }
        return size;
    }

    /// <summary>Writes the header into <paramref name="destination"/>, which must be <see cref="GetHeaderSize"/> bytes long.</summary>
    public static void WriteHeader(Span<byte> destination, long createdUtcTicks, long expiresUtcTicks, string[] tags, int payloadLength)
    {
        destination[0] = Magic;
        destination[1] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], createdUtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[10..], expiresUtcTicks);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[18..], (ushort)tags.Length);
        var offset = FixedHeaderSize;
        foreach (var tag in tags)
        {
            var written = Encoding.UTF8.GetBytes(tag, destination[(offset + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[offset..], (ushort)written);
            offset += 2 + written;
        }
        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], payloadLength);
    }

    /// <summary>Parses a buffer read from L2; <see langword="null"/> when it is not in this format (corrupt, foreign or a newer version).</summary>
    public static CacheItem? TryParse(byte[] buffer)
    {
        ReadOnlySpan<byte> span = buffer;
        if (span.Length < FixedHeaderSize + 4 || span[0] != Magic || span[1] != Version)
        {
            return null;
        }
        var created = BinaryPrimitives.ReadInt64LittleEndian(span[2..]);
        var expires = BinaryPrimitives.ReadInt64LittleEndian(span[10..]);
        int tagCount = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        var offset = FixedHeaderSize;
        var tags = tagCount == 0 ? [] : new string[tagCount];
        for (var i = 0; i < tagCount; i++)
        {
            if (span.Length < offset + 2) return null;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            offset += 2;
            if (span.Length < offset + length) return null;
            tags[i] = Encoding.UTF8.GetString(span.Slice(offset, length));
            offset += length;
        }
        if (span.Length < offset + 4) return null;
        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        if (payloadLength < 0 || span.Length - offset != payloadLength) return null;
        return new CacheItem(buffer, offset, payloadLength, created, expires, tags);
    }
}
