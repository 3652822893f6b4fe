using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using AiProxy.Pipeline;

namespace AiProxy.Caching;

/// <summary>
/// Computes the exact-cache key in one <see cref="Utf8JsonReader"/> pass: SHA-256 over the canonical JSON
/// <c>[operation, route, upstream model, scope, {body}]</c>, where the body keeps every answer-changing field (unknown
/// fields included), objects have their members sorted ordinally, numbers are normalized and strings re-escaped.
/// </summary>
internal static class CacheKeyBuilder
{
    /// <summary>Prefix of every response-cache key (bumped when the canonical form changes).</summary>
    public const string KeyPrefix = "aiproxy:resp:v1:";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static PooledBufferWriter? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Builds the key; false when the body is not a JSON object (such a request is not cached).</summary>
    public static bool TryBuild(ReadOnlySpan<byte> body, AiOperation operation, string route, string upstreamModel, string? scope, out string key)
    {
        var buffer = t_buffer ??= new PooledBufferWriter(4096);
        buffer.Clear();
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        try
        {
            if (!TryWrite(body, operation, route, upstreamModel, scope, writer, buffer))
            {
                key = "";
                return false;
            }
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.WrittenSpan, hash);
            Span<char> chars = stackalloc char[KeyPrefix.Length + (SHA256.HashSizeInBytes * 2)];
            KeyPrefix.AsSpan().CopyTo(chars);
            Convert.TryToHexStringLower(hash, chars[KeyPrefix.Length..], out _);
            key = new string(chars);
            return true;
        }
        finally
        {
            writer.Reset(Stream.Null);
            if (buffer.WrittenCount > 256 * 1024)
            {
                // Don't pin a huge pooled array to the thread after an unusually large request.
                buffer.Dispose();
                t_buffer = null;
            }
        }
    }

    /// <summary>Returns the canonical JSON the key hashes (for tests and diagnostics).</summary>
    internal static string? Canonicalize(ReadOnlySpan<byte> body, AiOperation operation, string route, string upstreamModel, string? scope)
    {
        using var buffer = new PooledBufferWriter(4096);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        return TryWrite(body, operation, route, upstreamModel, scope, writer, buffer)
            ? System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)
            : null;
    }

    private static bool TryWrite(ReadOnlySpan<byte> body, AiOperation operation, string route, string upstreamModel, string? scope,
        Utf8JsonWriter writer, PooledBufferWriter buffer)
    {
        var reader = new Utf8JsonReader(body);
        byte[]? scratch = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            writer.WriteStartArray();
            writer.WriteStringValue(OperationName(operation));
            writer.WriteStringValue(route);
            writer.WriteStringValue(upstreamModel);
            if (scope is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(scope);
            }
            WriteObject(ref reader, writer, buffer, ref scratch, topLevel: true);
            writer.WriteEndArray();
            writer.Flush();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private static string OperationName(AiOperation operation) => operation switch
    {
        AiOperation.ChatCompletions => "chat.completions",
        AiOperation.Completions => "completions",
        AiOperation.Embeddings => "embeddings",
        AiOperation.Responses => "responses",
        _ => "other",
    };

    /// <summary>Top-level fields that do not change the answer (the model is hashed separately, as the upstream model).</summary>
    private static bool IsIgnoredTopLevel(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("model"u8)
        || name.SequenceEqual("stream"u8)
        || name.SequenceEqual("stream_options"u8)
        || name.SequenceEqual("user"u8)
        || name.SequenceEqual("metadata"u8)
        || name.SequenceEqual("store"u8)
        || name.SequenceEqual("service_tier"u8)
        || name.SequenceEqual("safety_identifier"u8)
        || name.SequenceEqual("prompt_cache_key"u8);

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
