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
internal static partial class CacheKeyBuilder
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
}
