using System.Buffers.Binary;
using System.Text;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Binary form of a <see cref="SemanticIndexRecord"/> for Redis: version, dimensions, scale, created-at ticks, the int8
/// vector, then scope, prompt and answer key as length-prefixed UTF-8. ~600 bytes for a 384-d entry.
/// </summary>
internal static class SemanticIndexSerializer
{
    private const byte Version = 1;
    private const int HeaderSize = 1 + 2 + 4 + 8;

    public static byte[] Serialize(SemanticIndexRecord record)
    {
        var scope = Encoding.UTF8.GetByteCount(record.Scope);
        var text = Encoding.UTF8.GetByteCount(record.Text);
        var key = Encoding.UTF8.GetByteCount(record.AnswerKey);
        var bytes = new byte[HeaderSize + record.Vector.Length + 12 + scope + text + key];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], checked((ushort)record.Vector.Length));
        BinaryPrimitives.WriteSingleLittleEndian(span[3..], record.Scale);
        BinaryPrimitives.WriteInt64LittleEndian(span[7..], record.CreatedAt.UtcTicks);
        var position = HeaderSize;
        for (var i = 0; i < record.Vector.Length; i++)
        {
            span[position++] = unchecked((byte)record.Vector[i]);
        }

        position = WriteString(span, position, record.Scope, scope);
        position = WriteString(span, position, record.Text, text);
        WriteString(span, position, record.AnswerKey, key);
        return bytes;
    }

    /// <summary>Reads a record; false when the bytes are not a record of this version (never throws).</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> bytes, out SemanticIndexRecord? record)
    {
        record = null;
        if (bytes.Length < HeaderSize || bytes[0] != Version)
        {
            return false;
        }

        int dimensions = BinaryPrimitives.ReadUInt16LittleEndian(bytes[1..]);
        var scale = BinaryPrimitives.ReadSingleLittleEndian(bytes[3..]);
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes[7..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || bytes.Length < HeaderSize + dimensions)
        {
            return false;
        }

        var vector = new sbyte[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = unchecked((sbyte)bytes[HeaderSize + i]);
        }

        var position = HeaderSize + dimensions;
        if (!TryReadString(bytes, ref position, out var scope) || !TryReadString(bytes, ref position, out var text) || !TryReadString(bytes, ref position, out var key) || position != bytes.Length)
        {
            return false;
        }

        record = new SemanticIndexRecord(scope, text, key, new DateTimeOffset(ticks, TimeSpan.Zero), scale, vector);
        return true;
    }

    private static int WriteString(Span<byte> span, int position, string value, int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], length);
        Encoding.UTF8.GetBytes(value, span.Slice(position + 4, length));
        return position + 4 + length;
    }

    private static bool TryReadString(ReadOnlySpan<byte> bytes, ref int position, out string value)
    {
        value = "";
        if (bytes.Length - position < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
        if (length < 0 || length > bytes.Length - position - 4)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(bytes.Slice(position + 4, length));
        position += 4 + length;
        return true;
    }
}
