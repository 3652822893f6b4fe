using System.Buffers;
using System.Text.Json;
using AiProxy.Pipeline;
using AiProxy.Streaming;

namespace AiProxy.Caching;

/// <summary>
/// Turns a cached answer into the shape the request asked for: a recorded stream into the JSON body a non-streaming
/// request expects, or a JSON body into the SSE events a streaming request expects. Null means "not convertible" (a miss).
/// Off the hot path (only for cross-shape hits), so it uses <see cref="JsonDocument"/>.
/// </summary>
internal static partial class ResponseConverter
{
    /// <summary>Assembles the JSON body of a non-streaming answer from recorded SSE events.</summary>
    public static byte[]? ToJson(IReadOnlyList<byte[]> events, AiOperation operation, TokenUsage? usage)
    {
        try
        {
            return operation switch
            {
                AiOperation.ChatCompletions => ChatToJson(events, usage, chat: true),
                AiOperation.Completions => ChatToJson(events, usage, chat: false),
                AiOperation.Responses => ResponsesToJson(events),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Synthesizes the SSE events of a streaming answer from a JSON body.</summary>
    public static byte[][]? ToEvents(ReadOnlySpan<byte> json, AiOperation operation, bool includeUsage)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _))
            {
                return null;
            }
            return operation switch
            {
                AiOperation.ChatCompletions => ChatToEvents(root, includeUsage, chat: true),
                AiOperation.Completions => ChatToEvents(root, includeUsage, chat: false),
                AiOperation.Responses => ResponsesToEvents(root),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Builds the chat/completions <c>include_usage</c> chunk from the stream's first chunk and the recorded usage.</summary>
    public static byte[]? UsageChunk(byte[] firstChunk, TokenUsage usage)
    {
        var data = SseEvents.DataOf(firstChunk);
        if (data.IsEmpty || data[0] != (byte)'{')
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return SseEvents.Create(null, (document.RootElement, usage), static (w, s) =>
            {
                w.WriteStartObject();
                CopyHeader(w, s.RootElement);
                w.WriteStartArray("choices"u8);
                w.WriteEndArray();
                w.WritePropertyName("usage"u8);
                WriteUsage(w, s.usage);
                w.WriteEndObject();
            });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void CopyHeader(Utf8JsonWriter w, JsonElement chunk)
    {
        foreach (var name in (ReadOnlySpan<string>)["id", "object", "created", "model", "service_tier", "system_fingerprint"])
        {
            if (chunk.TryGetProperty(name, out var value))
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }
        }
    }

    private static void WriteUsage(Utf8JsonWriter w, TokenUsage usage)
    {
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens"u8, usage.Prompt);
        w.WriteNumber("completion_tokens"u8, usage.Completion);
        w.WriteNumber("total_tokens"u8, usage.Total);
        w.WriteStartObject("prompt_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, usage.Cached);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
