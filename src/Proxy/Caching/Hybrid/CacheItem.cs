using System.Buffers;

namespace AiProxy.Caching.Hybrid;

/// <summary>One cached entry as held in L1: the serialized buffer (header + payload) shared with L2, plus an optional deserialized immutable value.</summary>
internal sealed class CacheItem
{
    public CacheItem(byte[] buffer, int payloadOffset, int payloadLength, long createdUtcTicks, long expiresUtcTicks, string[] tags)
    {
        Buffer = buffer;
        PayloadOffset = payloadOffset;
        PayloadLength = payloadLength;
        CreatedUtcTicks = createdUtcTicks;
        ExpiresUtcTicks = expiresUtcTicks;
        Tags = tags;
    }

    /// <summary>The whole serialized entry, exactly as stored in L2; never mutated.</summary>
    public byte[] Buffer { get; }

    public int PayloadOffset { get; }

    public int PayloadLength { get; }

    public long CreatedUtcTicks { get; }

    public long ExpiresUtcTicks { get; }

    public string[] Tags { get; }

    /// <summary>A deserialized value that is safe to hand to every caller (immutable types only), saving a deserialization per hit.</summary>
    public object? Value { get; set; }

    public ReadOnlyMemory<byte> Payload => new(Buffer, PayloadOffset, PayloadLength);

    public ReadOnlySequence<byte> PayloadSequence => new(Buffer, PayloadOffset, PayloadLength);
}
