using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AiProxy.Streaming;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching;

/// <summary>
/// Compact binary form of <see cref="CachedResponse"/> for L2: version, flags, content type, created time, usage, then
/// length-prefixed segments. An unknown version or a truncated payload throws, which the hybrid cache treats as a miss.
/// </summary>
internal sealed class CachedResponseSerializer : IHybridCacheSerializer<CachedResponse>
{
    private const byte Version = 1;
    private const byte FlagEventStream = 1;
    private const byte FlagUsage = 2;

    public CachedResponse Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new SequenceReader<byte>(source);
        if (!reader.TryRead(out var version) || version != Version || !reader.TryRead(out var flags))
        {
            throw new InvalidDataException("Unknown cached response format.");
        }
        var contentType = Encoding.UTF8.GetString(ReadBytes(ref reader, ReadInt32(ref reader)));
        var created = ReadInt64(ref reader);
        TokenUsage? usage = null;
        if ((flags & FlagUsage) != 0)
        {
            usage = new TokenUsage(ReadInt64(ref reader), ReadInt64(ref reader), ReadInt64(ref reader), ReadInt64(ref reader));
        }
        var count = ReadInt32(ref reader);
        if (count < 0 || count > reader.Remaining / 4)
        {
            throw new InvalidDataException("Corrupt cached response.");
        }
        var segments = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            segments[i] = ReadBytes(ref reader, ReadInt32(ref reader));
        }
        return new CachedResponse(contentType, (flags & FlagEventStream) != 0, segments, usage, created);
    }

    public void Serialize(CachedResponse value, IBufferWriter<byte> target)
    {
        var contentTypeLength = Encoding.UTF8.GetByteCount(value.ContentType);
        var header = target.GetSpan(2 + 4 + contentTypeLength + 8 + 32 + 4);
        header[0] = Version;
        header[1] = (byte)((value.IsEventStream ? FlagEventStream : 0) | (value.Usage is null ? 0 : FlagUsage));
        BinaryPrimitives.WriteInt32LittleEndian(header[2..], contentTypeLength);
        Encoding.UTF8.GetBytes(value.ContentType, header[6..]);
        var at = 6 + contentTypeLength;
        BinaryPrimitives.WriteInt64LittleEndian(header[at..], value.CreatedUnixMilliseconds);
        at += 8;
        if (value.Usage is { } usage)
        {
            BinaryPrimitives.WriteInt64LittleEndian(header[at..], usage.Prompt);
            BinaryPrimitives.WriteInt64LittleEndian(header[(at + 8)..], usage.Completion);
            BinaryPrimitives.WriteInt64LittleEndian(header[(at + 16)..], usage.Cached);
            BinaryPrimitives.WriteInt64LittleEndian(header[(at + 24)..], usage.Total);
            at += 32;
        }
        BinaryPrimitives.WriteInt32LittleEndian(header[at..], value.Segments.Length);
        target.Advance(at + 4);

        foreach (var segment in value.Segments)
        {
            var span = target.GetSpan(4 + segment.Length);
            BinaryPrimitives.WriteInt32LittleEndian(span, segment.Length);
            segment.CopyTo(span[4..]);
            target.Advance(4 + segment.Length);
        }
    }

    private static int ReadInt32(ref SequenceReader<byte> reader)
        => reader.TryReadLittleEndian(out int value) ? value : throw new InvalidDataException("Truncated cached response.");

    private static long ReadInt64(ref SequenceReader<byte> reader)
        => reader.TryReadLittleEndian(out long value) ? value : throw new InvalidDataException("Truncated cached response.");

    private static byte[] ReadBytes(ref SequenceReader<byte> reader, int length)
    {
        if (length < 0 || length > reader.Remaining)
        {
            throw new InvalidDataException("Truncated cached response.");
        }
        var bytes = new byte[length];
        if (!reader.TryCopyTo(bytes))
        {
            throw new InvalidDataException("Truncated cached response.");
        }
        reader.Advance(length);
        return bytes;
    }
}
