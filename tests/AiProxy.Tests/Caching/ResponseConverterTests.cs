using System.Text;
using System.Text.Json;
using AiProxy.Caching;
using AiProxy.Pipeline;
using AiProxy.Streaming;

namespace AiProxy.Tests.Caching;

public sealed class ResponseConverterTests
{
    private static byte[] Evt(string data, string? type = null) => Encoding.UTF8.GetBytes((type is null ? "" : $"event: {type}\n") + $"data: {data}\n\n");

    private static readonly byte[][] ChatStream =
    [
        Evt("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"""),
        Evt("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"""),
        Evt("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"lo","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},"finish_reason":null}]}"""),
        Evt("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":"tool_calls"}]}"""),
        Evt("""{"id":"c1","object":"chat.completion.chunk","created":5,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"""),
        Evt("[DONE]"),
    ];

    [Fact]
    public void ToJson_ChatStream_AssemblesCompletion()
    {
        var json = ResponseConverter.ToJson(ChatStream, AiOperation.ChatCompletions, null);

        using var doc = JsonDocument.Parse(json!);
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("c1", root.GetProperty("id").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("Hello", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal(("call_1", "f", "{\"a\":1}"), (call.GetProperty("id").GetString(), call.GetProperty("function").GetProperty("name").GetString(), call.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal(5, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("fp", root.GetProperty("system_fingerprint").GetString());
    }

    [Fact]
    public void ToJson_ChatStreamWithoutUsageChunk_UsesRecordedUsage()
    {
        var json = ResponseConverter.ToJson([ChatStream[0], ChatStream[1], ChatStream[3], ChatStream[5]], AiOperation.ChatCompletions, new TokenUsage(7, 2, 1, 9));

        using var doc = JsonDocument.Parse(json!);
        Assert.Equal(9, doc.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public void ToJson_StreamWithoutDone_NotConvertible()
    {
        Assert.Null(ResponseConverter.ToJson(ChatStream[..3], AiOperation.ChatCompletions, null));
    }

    [Fact]
    public void ToEvents_ChatCompletion_RoleContentFinishUsageDone()
    {
        var body = """{"id":"c2","object":"chat.completion","created":9,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}"""u8;

        var events = ResponseConverter.ToEvents(body, AiOperation.ChatCompletions, includeUsage: true)!;

        Assert.Equal(5, events.Length);
        Assert.Equal("data: [DONE]\n\n", Encoding.UTF8.GetString(events[^1]));
        Assert.True(SseEvents.IsUsageChunk(events[^2]));
        // Round trip: the assembled JSON says what the original did.
        using var back = JsonDocument.Parse(ResponseConverter.ToJson(events, AiOperation.ChatCompletions, null)!);
        Assert.Equal("Hi there", back.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", back.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(6, back.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var withoutUsage = ResponseConverter.ToEvents(body, AiOperation.ChatCompletions, includeUsage: false)!;
        Assert.Equal(4, withoutUsage.Length);
    }

    [Fact]
    public void Responses_JsonToEventsAndBack()
    {
        var body = """{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Howdy","annotations":[]}]}],"usage":{"input_tokens":3,"output_tokens":1,"total_tokens":4}}"""u8;

        var events = ResponseConverter.ToEvents(body, AiOperation.Responses, includeUsage: false)!;
        var texts = events.Select(e => Encoding.UTF8.GetString(e)).ToList();

        Assert.StartsWith("event: response.created\n", texts[0], StringComparison.Ordinal);
        Assert.Contains(texts, t => t.StartsWith("event: response.output_text.delta\n", StringComparison.Ordinal) && t.Contains("\"delta\":\"Howdy\"", StringComparison.Ordinal));
        Assert.StartsWith("event: response.completed\n", texts[^1], StringComparison.Ordinal);
        using var back = JsonDocument.Parse(ResponseConverter.ToJson(events, AiOperation.Responses, null)!);
        Assert.Equal("resp_1", back.RootElement.GetProperty("id").GetString());
        Assert.Equal(4, back.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void SseReplayFilter_AddsOrDropsTheUsageChunk()
    {
        var recordedWithout = new[] { ChatStream[0], ChatStream[1], ChatStream[3], ChatStream[5] };
        var add = new SseReplayFilter(AiOperation.ChatCompletions, includeUsage: true);
        var added = recordedWithout.Select(e => add.Next(e, new TokenUsage(1, 2, 0, 3))).ToList();
        Assert.NotNull(added[^1].Before);
        Assert.True(SseEvents.IsUsageChunk(added[^1].Before!));

        var drop = new SseReplayFilter(AiOperation.ChatCompletions, includeUsage: false);
        Assert.False(drop.Next(ChatStream[4], null).Write);
        Assert.True(drop.Next(ChatStream[5], new TokenUsage(1, 2, 0, 3)).Write);
    }

    [Fact]
    public void Serializer_RoundTrips()
    {
        var entry = new CachedResponse("text/event-stream", true, ChatStream, new TokenUsage(1, 2, 3, 6), 1234);
        var serializer = new CachedResponseSerializer();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        serializer.Serialize(entry, buffer);
        var back = serializer.Deserialize(new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory));

        Assert.Equal((entry.ContentType, entry.IsEventStream, entry.Usage, entry.CreatedUnixMilliseconds), (back.ContentType, back.IsEventStream, back.Usage, back.CreatedUnixMilliseconds));
        Assert.Equal(entry.Segments, back.Segments);
        Assert.Throws<InvalidDataException>(() => serializer.Deserialize(new System.Buffers.ReadOnlySequence<byte>(buffer.WrittenMemory[..20])));
    }
}
