using System.Buffers;
using System.Text.Json;

namespace AiProxy.Caching;

/// <summary>The canonical JSON walk: sorted members, normalized numbers, re-escaped strings.</summary>
internal static partial class CacheKeyBuilder
{
    // Longer than 60 lines on purpose: it is the canonical walk of one JSON object over one reader (member sort, number
    // and string normalization inline); split up, every piece would take the reader, writer and scratch by ref.
    private static void WriteObject(ref Utf8JsonReader reader, Utf8JsonWriter writer, PooledBufferWriter buffer, ref byte[]? scratch, bool topLevel)
    {
        writer.WriteStartObject();
        writer.Flush();
        var membersStart = buffer.WrittenCount;
        int[]? segments = null;
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = Unescaped(ref reader, ref scratch, out var nameOwner);
                if (topLevel && IsIgnoredTopLevel(name))
                {
                    if (nameOwner is not null)
                    {
                        ArrayPool<byte>.Shared.Return(nameOwner);
                    }
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                writer.Flush();
                var start = buffer.WrittenCount;
                writer.WritePropertyName(name);
                if (nameOwner is not null)
                {
                    ArrayPool<byte>.Shared.Return(nameOwner);
                }
                reader.Read();
                WriteValue(ref reader, writer, buffer, ref scratch);
                writer.Flush();

                segments ??= ArrayPool<int>.Shared.Rent(32);
                if ((count + 1) * 2 > segments.Length)
                {
                    var grown = ArrayPool<int>.Shared.Rent(segments.Length * 2);
                    segments.AsSpan(0, count * 2).CopyTo(grown);
                    ArrayPool<int>.Shared.Return(segments);
                    segments = grown;
                }
                // Members after the first begin with the writer's comma: it is not part of the member.
                segments[count * 2] = count == 0 ? start : start + 1;
                segments[(count * 2) + 1] = buffer.WrittenCount;
                count++;
            }
            if (count > 1)
            {
                SortMembers(buffer, membersStart, segments!, count);
            }
            writer.WriteEndObject();
        }
        finally
        {
            if (segments is not null)
            {
                ArrayPool<int>.Shared.Return(segments);
            }
        }
    }

    private static void WriteValue(ref Utf8JsonReader reader, Utf8JsonWriter writer, PooledBufferWriter buffer, ref byte[]? scratch)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, writer, buffer, ref scratch, topLevel: false);
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WriteValue(ref reader, writer, buffer, ref scratch);
                }
                writer.WriteEndArray();
                break;
            case JsonTokenType.String:
            {
                var value = Unescaped(ref reader, ref scratch, out var owner);
                writer.WriteStringValue(value);
                if (owner is not null)
                {
                    ArrayPool<byte>.Shared.Return(owner);
                }
                break;
            }
            case JsonTokenType.Number:
                WriteNumber(ref reader, writer);
                break;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                break;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>0, 0.0, -0 and 0e0 are the same number; so are 100 and 1e2.</summary>
    private static void WriteNumber(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (reader.TryGetInt64(out var integer))
        {
            writer.WriteNumberValue(integer);
            return;
        }
        if (reader.TryGetDouble(out var d) && double.IsFinite(d))
        {
            if (d == Math.Floor(d) && Math.Abs(d) < 9.0e15)
            {
                writer.WriteNumberValue((long)d);
            }
            else
            {
                writer.WriteNumberValue(d);
            }
            return;
        }
        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
    }

    /// <summary>The unescaped UTF-8 of the current string or property name; <paramref name="owner"/> must be returned to the pool when set.</summary>
    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[]? scratch, out byte[]? owner)
    {
        owner = null;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }
        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        owner = ArrayPool<byte>.Shared.Rent(Math.Max(length, 16));
        var written = reader.CopyString(owner);
        return owner.AsSpan(0, written);
    }

    /// <summary>Rewrites the members of an object (all in <paramref name="buffer"/> from <paramref name="membersStart"/>) in ordinal order.</summary>
    private static void SortMembers(PooledBufferWriter buffer, int membersStart, int[] segments, int count)
    {
        var all = buffer.WrittenSpan;
        var order = count <= 128 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }
        // Insertion sort: request objects have few members, and most arrive nearly sorted or small.
        for (var i = 1; i < count; i++)
        {
            var current = order[i];
            var currentBytes = Member(all, segments, current);
            var j = i - 1;
            while (j >= 0 && Member(all, segments, order[j]).SequenceCompareTo(currentBytes) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = current;
        }

        var region = all[membersStart..];
        var copy = ArrayPool<byte>.Shared.Rent(region.Length);
        try
        {
            region.CopyTo(copy);
            var at = 0;
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    region[at++] = (byte)',';
                }
                var s = segments[order[i] * 2] - membersStart;
                var e = segments[(order[i] * 2) + 1] - membersStart;
                copy.AsSpan(s, e - s).CopyTo(region[at..]);
                at += e - s;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static ReadOnlySpan<byte> Member(ReadOnlySpan<byte> all, int[] segments, int index)
        => all[segments[index * 2]..segments[(index * 2) + 1]];
}
