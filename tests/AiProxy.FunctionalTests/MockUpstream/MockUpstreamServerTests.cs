using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AiProxy.MockUpstream;
using OpenAI;
using OpenAI.Chat;

namespace AiProxy.FunctionalTests.MockUpstream;

public sealed class MockUpstreamServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private MockUpstreamServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await MockUpstreamServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseUrl, Timeout = Timeout };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private const string ChatBody = """{"model":"gpt-4o-mini","messages":[{"role":"system","content":"abcd"},{"role":"user","content":"efghi"}]}""";

    [Theory]
    [InlineData("v1/chat/completions", "gpt-4o-mini")]
    [InlineData("openai/v1/chat/completions", "gpt-4o-mini")]
    [InlineData("openai/deployments/my-deployment/chat/completions?api-version=2024-10-21", "gpt-4o-mini")]
    public async Task ChatCompletions_Json_EchoesModelWithDeterministicUsage(string path, string model)
    {
        using var response = await _http.PostAsync(path, Json(ChatBody));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-request-id"));
        Assert.True(response.Headers.Contains("x-ratelimit-remaining-requests"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(model, root.GetProperty("model").GetString());
        Assert.Equal("stop", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("assistant", root.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
        var usage = root.GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("prompt_tokens").GetInt32()); // ceil(9 chars / 4)
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(8, usage.GetProperty("total_tokens").GetInt32());

        var recorded = Assert.Single(_server.Requests);
        Assert.Equal("chat/completions", recorded.Endpoint);
        Assert.Equal("gpt-4o-mini", recorded.Model);
        Assert.Equal(ChatBody, recorded.BodyText);
    }

    [Fact]
    public async Task ChatCompletions_StreamWithIncludeUsage_EndsWithUsageChunkThenDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json("""{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"12345678"}]}"""),
        };
        request.Headers.Add(MockHeaders.Chunks, "3");

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadDataEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1 + 3 + 1 + 1 + 1, events.Count);
        Assert.Equal("[DONE]", events[^1]);
        using var first = JsonDocument.Parse(events[0]);
        Assert.Equal("assistant", first.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, first.RootElement.GetProperty("usage").ValueKind);
        using var finish = JsonDocument.Parse(events[4]);
        Assert.Equal("stop", finish.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        using var usage = JsonDocument.Parse(events[5]);
        Assert.Equal(0, usage.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(2, usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(await _server.Requests[0].WaitForFinishAsync(Timeout));
        Assert.Equal(7, _server.Requests[0].ChunkTimes.Count);
    }

    [Fact]
    public async Task Responses_Stream_EmitsTypedEventsAndUsageOnCompleted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = Json("""{"model":"gpt-4o","input":"abcdefgh","stream":true}"""),
        };
        request.Headers.Add(MockHeaders.Chunks, "2");

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();

        var types = text.Split('\n').Where(l => l.StartsWith("event: ", StringComparison.Ordinal)).Select(l => l[7..]).ToList();
        Assert.Equal("response.created", types[0]);
        Assert.Equal(2, types.Count(t => t == "response.output_text.delta"));
        Assert.Equal("response.completed", types[^1]);
        Assert.DoesNotContain("[DONE]", text);
        var data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        for (var i = 0; i < data.Count; i++)
        {
            using var e = JsonDocument.Parse(data[i]);
            Assert.Equal(i, e.RootElement.GetProperty("sequence_number").GetInt32());
            Assert.Equal(types[i], e.RootElement.GetProperty("type").GetString());
        }
        using var completed = JsonDocument.Parse(data[^1]);
        var usage = completed.RootElement.GetProperty("response").GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task StatusHeader_429_ReturnsRateLimitErrorWithRetryAfter()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(ChatBody) };
        request.Headers.Add(MockHeaders.Status, "429");
        request.Headers.Add(MockHeaders.RetryAfter, "2");
        request.Headers.Add(MockHeaders.RetryAfterMs, "1500");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("1500", response.Headers.GetValues("retry-after-ms").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("requests", error.GetProperty("type").GetString());
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Theory]
    [InlineData("Authorization", "Bearer sk-mock-status-429", 429)]
    [InlineData("api-key", "azure-key-status-503", 503)]
    [InlineData("Authorization", "Bearer sk-good", 200)]
    public async Task KeyContainingStatus_AlwaysAnswersThatStatus(string header, string value, int expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(ChatBody) };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _http.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal(value, _server.Requests[0].Header(header));
    }

    [Fact]
    public async Task BehaviorHook_ScriptsFirstTwoCallsAs503()
    {
        await using var server = await MockUpstreamServer.StartAsync(new MockUpstreamOptions
        {
            Behavior = r => r.Index < 2 ? new MockBehavior { StatusCode = 503 } : null,
        });
        using var http = new HttpClient { BaseAddress = server.V1 };

        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.PostAsync("v1/chat/completions", Json(ChatBody));
            codes.Add((int)response.StatusCode);
        }

        Assert.Equal([503, 503, 200], codes);
        Assert.Equal(3, server.RequestCount);
        server.Reset();
        Assert.Equal(0, server.RequestCount);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ClientDisconnect_MidStream_IsRecordedAsAbort()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json("""{"model":"gpt-4o","stream":true,"messages":[]}"""),
        };
        request.Headers.Add(MockHeaders.ChunkDelayMs, "500");
        request.Headers.Add(MockHeaders.Chunks, "20");

        using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[16];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        }

        Assert.True(await _server.WaitForAbortAsync(0, Timeout));
        var recorded = _server.Requests[0];
        Assert.NotNull(recorded.AbortedAt);
        Assert.False(recorded.AbortedByMock);
        Assert.True(recorded.ChunkTimes.Count < 22);
    }

    [Fact]
    public async Task AbortAfterChunks_ClientSeesTruncatedStreamWithoutDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json("""{"model":"gpt-4o","stream":true,"messages":[]}"""),
        };
        request.Headers.Add(MockHeaders.AbortAfterChunks, "3");

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(line[6..]);
            }
        });

        Assert.Equal(3, events.Count);
        Assert.True(await _server.Requests[0].WaitForFinishAsync(Timeout));
        Assert.True(_server.Requests[0].AbortedByMock);
    }

    [Fact]
    public async Task Embeddings_AreDeterministicUnitVectorsOfRequestedSize()
    {
        using var response = await _http.PostAsync("v1/embeddings", Json("""{"model":"text-embedding-3-small","input":["a","b","a"],"dimensions":16}"""));

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal(3, data.GetArrayLength());
        var v = data.EnumerateArray().Select(e => e.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToArray();
        Assert.Equal(16, v[0].Length);
        Assert.Equal(v[0], v[2]);
        Assert.NotEqual(v[0], v[1]);
        Assert.Equal(1.0, Math.Sqrt(v[1].Sum(x => (double)x * x)), 3);
    }

    [Fact]
    public async Task UnknownPath_Returns404InOpenAiShape()
    {
        using var response = await _http.GetAsync("v1/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task OfficialSdk_ChatAndStreamingWithUsage_Work()
    {
        var client = new OpenAIClient(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = _server.V1 });
        var chat = client.GetChatClient("gpt-4o-mini");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("hello")]);
        Assert.Equal("Hello from the AiProxy mock", completion.Content[0].Text);
        Assert.Equal(5, completion.Usage.OutputTokenCount);

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        // The SDK asks for stream_options.include_usage itself.
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hello")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            usage ??= update.Usage;
        }
        Assert.Equal("Hello from the AiProxy mock", text.ToString());
        Assert.NotNull(usage);
        Assert.Equal("Bearer sk-test", _server.Requests[^1].Authorization);
    }

    private static async Task<List<string>> ReadDataEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : e)
            .ToList();
    }
}
