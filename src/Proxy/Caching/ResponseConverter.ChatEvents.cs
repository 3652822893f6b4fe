using System.Text;
using System.Text.Json;
using AiProxy.Streaming;

namespace AiProxy.Caching;

internal static partial class ResponseConverter
{
    /// <summary>chat.completion → role chunk, content chunk, finish chunk per choice, optional usage chunk, <c>[DONE]</c>.</summary>
    private static byte[][]? ChatToEvents(JsonElement root, bool includeUsage, bool chat)
    {
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var events = new List<byte[]>();
        var objectName = chat ? "chat.completion.chunk" : "text_completion";
        foreach (var choice in choices.EnumerateArray())
        {
            if (!AddChoiceEvents(events, root, objectName, includeUsage, choice, chat))
            {
                return null;
            }
        }
        if (includeUsage && root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            events.Add(SseEvents.Create(null, (Root: root, Usage: usage, Object: objectName), static (w, s) =>
            {
                w.WriteStartObject();
                WriteChunkHeader(w, s.Root, s.Object);
                w.WriteStartArray("choices"u8);
                w.WriteEndArray();
                w.WritePropertyName("usage"u8);
                s.Usage.WriteTo(w);
                w.WriteEndObject();
            }));
        }
        events.Add(SseEvents.Done);
        return [.. events];
    }

    /// <summary>The chunks of one choice (chat: role, content, finish; completions: text, finish); false when a chat choice has no message.</summary>
    private static bool AddChoiceEvents(List<byte[]> events, JsonElement root, string objectName, bool includeUsage, JsonElement choice, bool chat)
    {
        var index = choice.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
        if (chat)
        {
            if (!choice.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            events.Add(Chunk(root, objectName, includeUsage, (Index: index, Message: message), WriteRoleDelta));
            events.Add(Chunk(root, objectName, includeUsage, (Index: index, Message: message), WriteContentDelta));
        }
        else
        {
            events.Add(Chunk(root, objectName, includeUsage, (Index: index, Message: choice), WriteTextBody));
        }
        events.Add(Chunk(root, objectName, includeUsage, (Index: index, Message: choice), WriteFinishBody));
        return true;
    }

    private static void WriteRoleDelta(Utf8JsonWriter w, (int Index, JsonElement Message) s)
    {
        w.WriteStartObject("delta"u8);
        w.WriteString("role"u8, s.Message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString() : "assistant");
        w.WriteString("content"u8, "");
        w.WriteNull("refusal"u8);
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        w.WriteNull("finish_reason"u8);
    }

    private static void WriteContentDelta(Utf8JsonWriter w, (int Index, JsonElement Message) s)
    {
        w.WriteStartObject("delta"u8);
        foreach (var name in (ReadOnlySpan<string>)["content", "refusal"])
        {
            if (s.Message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }
        }
        if (s.Message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            w.WriteStartArray("tool_calls"u8);
            var n = 0;
            foreach (var call in calls.EnumerateArray())
            {
                w.WriteStartObject();
                w.WriteNumber("index"u8, n++);
                foreach (var property in call.EnumerateObject())
                {
                    property.WriteTo(w);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        w.WriteNull("finish_reason"u8);
    }

    private static void WriteTextBody(Utf8JsonWriter w, (int Index, JsonElement Message) s)
    {
        w.WriteString("text"u8, s.Message.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : "");
        w.WriteNull("logprobs"u8);
        w.WriteNull("finish_reason"u8);
    }

    private static void WriteFinishBody(Utf8JsonWriter w, (int Index, JsonElement Message) s)
    {
        if (s.Message.TryGetProperty("message", out _))
        {
            w.WriteStartObject("delta"u8);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text"u8, "");
        }
        w.WriteNull("logprobs"u8);
        w.WritePropertyName("finish_reason"u8);
        if (s.Message.TryGetProperty("finish_reason", out var finish))
        {
            finish.WriteTo(w);
        }
        else
        {
            w.WriteStringValue("stop");
        }
    }

    private static byte[] Chunk(JsonElement root, string objectName, bool includeUsage, (int Index, JsonElement Message) choice, Action<Utf8JsonWriter, (int Index, JsonElement Message)> writeChoiceBody)
        => SseEvents.Create(null, (Root: root, Object: objectName, IncludeUsage: includeUsage, Choice: choice, Body: writeChoiceBody), static (w, s) =>
        {
            w.WriteStartObject();
            WriteChunkHeader(w, s.Root, s.Object);
            w.WriteStartArray("choices"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, s.Choice.Index);
            s.Body(w, s.Choice);
            w.WriteEndObject();
            w.WriteEndArray();
            if (s.IncludeUsage)
            {
                w.WriteNull("usage"u8);
            }
            w.WriteEndObject();
        });

    private static void WriteChunkHeader(Utf8JsonWriter w, JsonElement root, string objectName)
    {
        if (root.TryGetProperty("id", out var id))
        {
            w.WritePropertyName("id"u8);
            id.WriteTo(w);
        }
        w.WriteString("object"u8, objectName);
        foreach (var name in (ReadOnlySpan<string>)["created", "model", "service_tier", "system_fingerprint"])
        {
            if (root.TryGetProperty(name, out var value))
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }
        }
    }
}
