using System.Text;
using System.Text.Json;
using AiProxy.Streaming;

namespace AiProxy.Caching;

internal static partial class ResponseConverter
{
    private sealed class ChoiceState
    {
        public int Index;
        public string? Role;
        public StringBuilder? Content;
        public StringBuilder? Refusal;
        public string? FinishReason;
        public SortedDictionary<int, ToolCallState>? ToolCalls;
    }

    private sealed class ToolCallState
    {
        public string? Id;
        public string? Type;
        public string? Name;
        public StringBuilder Arguments = new();
    }

    /// <summary>chat.completion.chunk events → chat.completion (or text_completion chunks → text_completion).</summary>
    private static byte[]? ChatToJson(IReadOnlyList<byte[]> events, TokenUsage? usage, bool chat)
    {
        JsonDocument? first = null;
        string? usageRaw = null;
        var choices = new SortedDictionary<int, ChoiceState>();
        try
        {
            if (!AccumulateChunks(events, choices, chat, ref first, ref usageRaw) || first is null || choices.Count == 0)
            {
                return null;
            }
            return Write((First: first.RootElement, Choices: choices, UsageRaw: usageRaw, Usage: usage, Chat: chat),
                static (w, s) => WriteCompletion(w, s.First, s.Choices, s.UsageRaw, s.Usage, s.Chat));
        }
        finally
        {
            first?.Dispose();
        }
    }

    /// <summary>
    /// Folds the recorded chunks into <paramref name="choices"/>; keeps the first chunk's document (for id, model, …) in
    /// <paramref name="first"/> (the caller disposes it). False when a chunk is an error or the stream never reached <c>[DONE]</c>.
    /// </summary>
    private static bool AccumulateChunks(IReadOnlyList<byte[]> events, SortedDictionary<int, ChoiceState> choices, bool chat,
        ref JsonDocument? first, ref string? usageRaw)
    {
        foreach (var evt in events)
        {
            var data = SseEvents.DataOf(evt);
            if (data.IsEmpty)
            {
                continue;
            }
            if (data.SequenceEqual("[DONE]"u8))
            {
                return true;
            }
            var document = JsonDocument.Parse(data.ToArray());
            if (!AccumulateChunk(document.RootElement, choices, chat, ref usageRaw))
            {
                document.Dispose();
                return false;
            }
            if (first is null)
            {
                first = document;
            }
            else
            {
                document.Dispose();
            }
        }
        return false;
    }

    /// <summary>Folds one chunk; false when it is not an object or carries an <c>error</c>.</summary>
    private static bool AccumulateChunk(JsonElement root, SortedDictionary<int, ChoiceState> choices, bool chat, ref string? usageRaw)
    {
        if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _))
        {
            return false;
        }
        if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
        {
            usageRaw = u.GetRawText();
        }
        if (root.TryGetProperty("choices", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var choice in array.EnumerateArray())
            {
                Accumulate(choices, choice, chat);
            }
        }
        return true;
    }

    private static void WriteCompletion(Utf8JsonWriter w, JsonElement first, SortedDictionary<int, ChoiceState> choices,
        string? usageRaw, TokenUsage? usage, bool chat)
    {
        w.WriteStartObject();
        if (first.TryGetProperty("id", out var id))
        {
            w.WritePropertyName("id"u8);
            id.WriteTo(w);
        }
        w.WriteString("object"u8, chat ? "chat.completion" : "text_completion");
        CopyProperties(w, first, ["created", "model"]);
        w.WriteStartArray("choices"u8);
        foreach (var choice in choices.Values)
        {
            WriteChoice(w, choice, chat);
        }
        w.WriteEndArray();
        if (usageRaw is not null)
        {
            w.WritePropertyName("usage"u8);
            w.WriteRawValue(usageRaw, skipInputValidation: true);
        }
        else if (usage is { } recorded)
        {
            w.WritePropertyName("usage"u8);
            WriteUsage(w, recorded);
        }
        CopyProperties(w, first, ["service_tier", "system_fingerprint"]);
        w.WriteEndObject();
    }

    private static void CopyProperties(Utf8JsonWriter w, JsonElement source, ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (source.TryGetProperty(name, out var value))
            {
                w.WritePropertyName(name);
                value.WriteTo(w);
            }
        }
    }

    private static void WriteChoice(Utf8JsonWriter w, ChoiceState choice, bool chat)
    {
        w.WriteStartObject();
        w.WriteNumber("index"u8, choice.Index);
        if (chat)
        {
            WriteMessage(w, choice);
        }
        else
        {
            w.WriteString("text"u8, choice.Content?.ToString() ?? "");
        }
        w.WriteNull("logprobs"u8);
        if (choice.FinishReason is null) w.WriteNull("finish_reason"u8); else w.WriteString("finish_reason"u8, choice.FinishReason);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, ChoiceState choice)
    {
        w.WriteStartObject("message"u8);
        w.WriteString("role"u8, choice.Role ?? "assistant");
        if (choice.Content is null) w.WriteNull("content"u8); else w.WriteString("content"u8, choice.Content.ToString());
        if (choice.Refusal is null) w.WriteNull("refusal"u8); else w.WriteString("refusal"u8, choice.Refusal.ToString());
        if (choice.ToolCalls is { Count: > 0 } calls)
        {
            w.WriteStartArray("tool_calls"u8);
            foreach (var call in calls.Values)
            {
                w.WriteStartObject();
                w.WriteString("id"u8, call.Id);
                w.WriteString("type"u8, call.Type ?? "function");
                w.WriteStartObject("function"u8);
                w.WriteString("name"u8, call.Name);
                w.WriteString("arguments"u8, call.Arguments.ToString());
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void Accumulate(SortedDictionary<int, ChoiceState> choices, JsonElement choice, bool chat)
    {
        var index = choice.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : 0;
        if (!choices.TryGetValue(index, out var state))
        {
            choices[index] = state = new ChoiceState { Index = index };
        }
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            state.FinishReason = finish.GetString();
        }
        if (!chat)
        {
            if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                (state.Content ??= new StringBuilder()).Append(text.GetString());
            }
            return;
        }
        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (delta.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String)
        {
            state.Role = role.GetString();
        }
        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            (state.Content ??= new StringBuilder()).Append(content.GetString());
        }
        if (delta.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String)
        {
            (state.Refusal ??= new StringBuilder()).Append(refusal.GetString());
        }
        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var callIndex = call.TryGetProperty("index", out var ci) && ci.ValueKind == JsonValueKind.Number ? ci.GetInt32() : 0;
                state.ToolCalls ??= [];
                if (!state.ToolCalls.TryGetValue(callIndex, out var tool))
                {
                    state.ToolCalls[callIndex] = tool = new ToolCallState();
                }
                if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String) tool.Id = id.GetString();
                if (call.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String) tool.Type = type.GetString();
                if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String) tool.Name = name.GetString();
                    if (function.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String) tool.Arguments.Append(args.GetString());
                }
            }
        }
    }
}
