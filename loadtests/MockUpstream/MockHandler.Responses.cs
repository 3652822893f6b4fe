using System.Buffers;
using System.Text.Json;

namespace AiProxy.MockUpstream;

internal sealed partial class MockHandler
{
    private Task WriteResponseAsync(Call call)
    {
        var (chunks, text) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var r = new ResponseIds(NewId("resp_"), NewId("msg_"), NowUnix(), call.Model!);
        var buffer = new ArrayBufferWriter<byte>(768 + text.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteResponseObject(w, r, "completed", text, call.Body.PromptTokens, chunks.Length);
        }
        SetHeaders(call, call.Plan.Status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    /// <summary>The event sequence of a one-message answer, as OpenAI streams it; there is no <c>[DONE]</c> in this API.</summary>
    private async Task StreamResponseAsync(Call call)
    {
        var (chunks, text) = ContentChunks.Get(call.Plan.Chunks, options.ContentBytes, call.Plan.Content);
        var r = new ResponseIds(NewId("resp_"), NewId("msg_"), NowUnix(), call.Model!);
        var ct = call.Context.RequestAborted;
        var seq = 0;

        SetHeaders(call, call.Plan.Status, "text/event-stream; charset=utf-8");
        call.Context.Response.Headers.CacheControl = "no-cache";
        await call.Context.Response.StartAsync(ct);
        using var sse = new SseWriter(call.Context, call.Request, call.Plan, _time, options.RecordRequests);

        foreach (var type in StartEvents)
        {
            if (!await sse.BeginAsync(type)) return;
            StartEvent(sse.Json, type, seq++);
            sse.Json.WritePropertyName("response"u8);
            WriteResponseObject(sse.Json, r, "in_progress", null, 0, 0);
            sse.Json.WriteEndObject();
            await sse.EndAsync();
        }

        if (!await sse.BeginAsync("response.output_item.added")) return;
        StartEvent(sse.Json, "response.output_item.added", seq++);
        sse.Json.WriteNumber("output_index"u8, 0);
        sse.Json.WritePropertyName("item"u8);
        WriteMessageItem(sse.Json, r, "in_progress", null);
        sse.Json.WriteEndObject();
        await sse.EndAsync();

        if (!await sse.BeginAsync("response.content_part.added")) return;
        StartPartEvent(sse.Json, "response.content_part.added", seq++, r);
        sse.Json.WritePropertyName("part"u8);
        WriteOutputText(sse.Json, "");
        sse.Json.WriteEndObject();
        await sse.EndAsync();

        foreach (var chunk in chunks)
        {
            if (call.Plan.ChunkDelay > TimeSpan.Zero) await Task.Delay(call.Plan.ChunkDelay, _time, ct);
            if (!await sse.BeginAsync("response.output_text.delta")) return;
            StartPartEvent(sse.Json, "response.output_text.delta", seq++, r);
            sse.Json.WriteString("delta"u8, chunk);
            sse.Json.WriteStartArray("logprobs"u8);
            sse.Json.WriteEndArray();
            sse.Json.WriteEndObject();
            await sse.EndAsync();
        }

        if (!await sse.BeginAsync("response.output_text.done")) return;
        StartPartEvent(sse.Json, "response.output_text.done", seq++, r);
        sse.Json.WriteString("text"u8, text);
        sse.Json.WriteStartArray("logprobs"u8);
        sse.Json.WriteEndArray();
        sse.Json.WriteEndObject();
        await sse.EndAsync();

        if (!await sse.BeginAsync("response.content_part.done")) return;
        StartPartEvent(sse.Json, "response.content_part.done", seq++, r);
        sse.Json.WritePropertyName("part"u8);
        WriteOutputText(sse.Json, text);
        sse.Json.WriteEndObject();
        await sse.EndAsync();

        if (!await sse.BeginAsync("response.output_item.done")) return;
        StartEvent(sse.Json, "response.output_item.done", seq++);
        sse.Json.WriteNumber("output_index"u8, 0);
        sse.Json.WritePropertyName("item"u8);
        WriteMessageItem(sse.Json, r, "completed", text);
        sse.Json.WriteEndObject();
        await sse.EndAsync();

        if (!await sse.BeginAsync("response.completed")) return;
        StartEvent(sse.Json, "response.completed", seq++);
        sse.Json.WritePropertyName("response"u8);
        WriteResponseObject(sse.Json, r, "completed", text, call.Body.PromptTokens, chunks.Length);
        sse.Json.WriteEndObject();
        await sse.EndAsync();
    }

    private static readonly string[] StartEvents = ["response.created", "response.in_progress"];

    private static void StartEvent(Utf8JsonWriter w, string type, int sequence)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, type);
        w.WriteNumber("sequence_number"u8, sequence);
    }

    private static void StartPartEvent(Utf8JsonWriter w, string type, int sequence, ResponseIds r)
    {
        StartEvent(w, type, sequence);
        w.WriteString("item_id"u8, r.MessageId);
        w.WriteNumber("output_index"u8, 0);
        w.WriteNumber("content_index"u8, 0);
    }

    /// <summary>A <c>response</c> object; <paramref name="text"/> null means no output yet and <c>usage: null</c>.</summary>
    private static void WriteResponseObject(Utf8JsonWriter w, ResponseIds r, string status, string? text, int inputTokens, int outputTokens)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, r.Id);
        w.WriteString("object"u8, "response"u8);
        w.WriteNumber("created_at"u8, r.Created);
        w.WriteString("status"u8, status);
        w.WriteNull("error"u8);
        w.WriteNull("incomplete_details"u8);
        w.WriteNull("instructions"u8);
        w.WriteNull("max_output_tokens"u8);
        w.WriteString("model"u8, r.Model);
        w.WriteStartArray("output"u8);
        if (text is not null) WriteMessageItem(w, r, "completed", text);
        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls"u8, true);
        w.WriteNull("previous_response_id"u8);
        w.WriteBoolean("store"u8, true);
        w.WriteNumber("temperature"u8, 1.0);
        w.WriteStartObject("text"u8);
        w.WriteStartObject("format"u8);
        w.WriteString("type"u8, "text"u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("tool_choice"u8, "auto"u8);
        w.WriteStartArray("tools"u8);
        w.WriteEndArray();
        w.WriteNumber("top_p"u8, 1.0);
        w.WriteString("truncation"u8, "disabled"u8);
        if (text is null)
        {
            w.WriteNull("usage"u8);
        }
        else
        {
            w.WriteStartObject("usage"u8);
            w.WriteNumber("input_tokens"u8, inputTokens);
            w.WriteStartObject("input_tokens_details"u8);
            w.WriteNumber("cached_tokens"u8, 0);
            w.WriteEndObject();
            w.WriteNumber("output_tokens"u8, outputTokens);
            w.WriteStartObject("output_tokens_details"u8);
            w.WriteNumber("reasoning_tokens"u8, 0);
            w.WriteEndObject();
            w.WriteNumber("total_tokens"u8, inputTokens + outputTokens);
            w.WriteEndObject();
        }
        w.WriteNull("user"u8);
        w.WriteStartObject("metadata"u8);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteMessageItem(Utf8JsonWriter w, ResponseIds r, string status, string? text)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, r.MessageId);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("status"u8, status);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteStartArray("content"u8);
        if (text is not null) WriteOutputText(w, text);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteOutputText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "output_text"u8);
        w.WriteString("text"u8, text);
        w.WriteStartArray("annotations"u8);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private readonly record struct ResponseIds(string Id, string MessageId, long Created, string Model);
}
