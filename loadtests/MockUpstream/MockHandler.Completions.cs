using System.Buffers;
using System.Text.Json;

namespace AiProxy.MockUpstream;

internal sealed partial class MockHandler
{
    private Task WriteCompletionAsync(Call call)
    {
        var (chunks, text) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var buffer = new ArrayBufferWriter<byte>(384 + text.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteCompletionHeader(w, NewId("cmpl-"), NowUnix(), call.Model!);
            w.WriteStartArray("choices"u8);
            WriteCompletionChoice(w, text, "stop");
            w.WriteEndArray();
            WriteCompletionUsage(w, call.Body.PromptTokens, chunks.Length);
            w.WriteEndObject();
        }
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    private async Task StreamCompletionAsync(Call call)
    {
        var (chunks, _) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var id = NewId("cmpl-");
        var created = NowUnix();
        var model = call.Model!;
        var includeUsage = call.Body.IncludeUsage;
        var ct = call.Context.RequestAborted;

        SetHeaders(call, call.Plan.Status, "text/event-stream; charset=utf-8");
        call.Context.Response.Headers.CacheControl = "no-cache";
        await call.Context.Response.StartAsync(ct);

        using var sse = new SseWriter(call.Context, call.Request, call.Plan, _time, options.RecordRequests);
        for (var i = 0; i <= chunks.Length; i++)
        {
            var last = i == chunks.Length;
            if (!last && call.Plan.ChunkDelay > TimeSpan.Zero) await Task.Delay(call.Plan.ChunkDelay, _time, ct);
            if (!await sse.BeginAsync()) return;
            var w = sse.Json;
            WriteCompletionHeader(w, id, created, model);
            w.WriteStartArray("choices"u8);
            WriteCompletionChoice(w, last ? "" : chunks[i], last ? "stop" : null);
            w.WriteEndArray();
            if (includeUsage) w.WriteNull("usage"u8);
            w.WriteEndObject();
            await sse.EndAsync();
        }

        if (includeUsage)
        {
            if (!await sse.BeginAsync()) return;
            var w = sse.Json;
            WriteCompletionHeader(w, id, created, model);
            w.WriteStartArray("choices"u8);
            w.WriteEndArray();
            WriteCompletionUsage(w, call.Body.PromptTokens, chunks.Length);
            w.WriteEndObject();
            await sse.EndAsync();
        }

        await sse.DoneAsync();
    }

    private static void WriteCompletionHeader(Utf8JsonWriter w, string id, long created, string model)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "text_completion"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteString("system_fingerprint"u8, "fp_mock"u8);
    }

    private static void WriteCompletionChoice(Utf8JsonWriter w, string text, string? finishReason)
    {
        w.WriteStartObject();
        w.WriteString("text"u8, text);
        w.WriteNumber("index"u8, 0);
        w.WriteNull("logprobs"u8);
        if (finishReason is null) w.WriteNull("finish_reason"u8); else w.WriteString("finish_reason"u8, finishReason);
        w.WriteEndObject();
    }

    private static void WriteCompletionUsage(Utf8JsonWriter w, int promptTokens, int completionTokens)
    {
        w.WriteStartObject("usage"u8);
        w.WriteNumber("prompt_tokens"u8, promptTokens);
        w.WriteNumber("completion_tokens"u8, completionTokens);
        w.WriteNumber("total_tokens"u8, promptTokens + completionTokens);
        w.WriteEndObject();
    }
}
