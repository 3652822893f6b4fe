using System.Buffers;
using System.Text.Json;

namespace AiProxy.MockUpstream;

internal sealed partial class MockHandler
{
    private Task WriteChatAsync(Call call)
    {
        var (chunks, text) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var buffer = new ArrayBufferWriter<byte>(512 + text.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id"u8, NewId("chatcmpl-"));
            w.WriteString("object"u8, "chat.completion"u8);
            w.WriteNumber("created"u8, NowUnix());
            w.WriteString("model"u8, call.Model);
            w.WriteStartArray("choices"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, 0);
            w.WriteStartObject("message"u8);
            w.WriteString("role"u8, "assistant"u8);
            w.WriteString("content"u8, text);
            w.WriteNull("refusal"u8);
            w.WriteStartArray("annotations"u8);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs"u8);
            w.WriteString("finish_reason"u8, "stop"u8);
            w.WriteEndObject();
            w.WriteEndArray();
            WriteChatUsage(w, call.Body.PromptTokens, chunks.Length);
            w.WriteString("service_tier"u8, "default"u8);
            w.WriteString("system_fingerprint"u8, "fp_mock"u8);
            w.WriteEndObject();
        }
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    private async Task StreamChatAsync(Call call)
    {
        var (chunks, _) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var id = NewId("chatcmpl-");
        var created = NowUnix();
        var model = call.Model!;
        var includeUsage = call.Body.IncludeUsage;
        var ct = call.Context.RequestAborted;

        SetHeaders(call, call.Plan.Status, "text/event-stream; charset=utf-8");
        call.Context.Response.Headers.CacheControl = "no-cache";
        await call.Context.Response.StartAsync(ct);

        using var sse = new SseWriter(call.Context, call.Request, call.Plan, _time, options.RecordRequests);
        if (!await sse.BeginAsync()) return;
        WriteChatChunk(sse.Json, id, created, model, includeUsage, role: true, content: "", finishReason: null);
        await sse.EndAsync();

        foreach (var chunk in chunks)
        {
            if (call.Plan.ChunkDelay > TimeSpan.Zero) await Task.Delay(call.Plan.ChunkDelay, _time, ct);
            if (!await sse.BeginAsync()) return;
            WriteChatChunk(sse.Json, id, created, model, includeUsage, role: false, content: chunk, finishReason: null);
            await sse.EndAsync();
        }

        if (!await sse.BeginAsync()) return;
        WriteChatChunk(sse.Json, id, created, model, includeUsage, role: false, content: null, finishReason: "stop");
        await sse.EndAsync();

        if (includeUsage)
        {
            if (!await sse.BeginAsync()) return;
            var w = sse.Json;
            WriteChunkHeader(w, id, created, model);
            w.WriteStartArray("choices"u8);
            w.WriteEndArray();
            WriteChatUsage(w, call.Body.PromptTokens, chunks.Length);
            w.WriteEndObject();
            await sse.EndAsync();
        }

        await sse.DoneAsync();
    }

    private static void WriteChunkHeader(Utf8JsonWriter w, string id, long created, string model)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteString("service_tier"u8, "default"u8);
        w.WriteString("system_fingerprint"u8, "fp_mock"u8);
    }

    private static void WriteChatChunk(Utf8JsonWriter w, string id, long created, string model, bool includeUsage, bool role, string? content, string? finishReason)
    {
        WriteChunkHeader(w, id, created, model);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteStartObject("delta"u8);
        if (role)
        {
            w.WriteString("role"u8, "assistant"u8);
            w.WriteNull("refusal"u8);
        }
        if (content is not null) w.WriteString("content"u8, content);
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        if (finishReason is null) w.WriteNull("finish_reason"u8); else w.WriteString("finish_reason"u8, finishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        if (includeUsage) w.WriteNull("usage"u8);
        w.WriteEndObject();
    }

    private static void WriteChatUsage(Utf8JsonWriter w, int promptTokens, int completionTokens)
    {
        w.WriteStartObject("usage"u8);
        w.WriteNumber("prompt_tokens"u8, promptTokens);
        w.WriteNumber("completion_tokens"u8, completionTokens);
        w.WriteNumber("total_tokens"u8, promptTokens + completionTokens);
        w.WriteStartObject("prompt_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, 0);
        w.WriteNumber("audio_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details"u8);
        w.WriteNumber("reasoning_tokens"u8, 0);
        w.WriteNumber("audio_tokens"u8, 0);
        w.WriteNumber("accepted_prediction_tokens"u8, 0);
        w.WriteNumber("rejected_prediction_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
