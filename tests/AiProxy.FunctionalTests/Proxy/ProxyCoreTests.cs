using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using OpenAI.Responses;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>The transparent proxy core, driven by the official OpenAI .NET SDK through a real AiProxy to a mock upstream.</summary>
public sealed class ProxyCoreTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private OpenAIClient Sdk(string? key = null) => new(new ApiKeyCredential(key ?? ProxyTestEnvironment.ClientKey), new OpenAIClientOptions { Endpoint = _env.Proxy.V1 });

    [Fact]
    public async Task Chat_NonStreaming_ReachesUpstreamWithUpstreamKeyOnly()
    {
        var chat = Sdk().GetChatClient("gpt-4o");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello there")]);

        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal("gpt-4o", completion.Model);
        var request = Assert.Single(_env.Upstream.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + ProxyTestEnvironment.UpstreamKey, request.Authorization);
        Assert.DoesNotContain(ProxyTestEnvironment.ClientKey, string.Join("\n", request.Headers.Values), StringComparison.Ordinal);
        Assert.True(completion.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task Chat_Streaming_DeliversEveryChunkAndUsage()
    {
        var chat = Sdk().GetChatClient("gpt-4o-mini");
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var updates = 0;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream please")], new ChatCompletionOptions()))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage ??= update.Usage;
        }

        Assert.True(updates >= 5, $"only {updates} updates");
        Assert.False(string.IsNullOrEmpty(text.ToString()));
        Assert.NotNull(usage);
        Assert.True(_env.Upstream.Requests[0].Stream);
    }

    [Fact]
    public async Task Responses_NonStreamingAndStreaming_Work()
    {
#pragma warning disable OPENAI001
        var responses = Sdk().GetResponsesClient();

        ResponseResult response = await responses.CreateResponseAsync("gpt-4o", "Say hi");
        Assert.False(string.IsNullOrEmpty(response.GetOutputText()));

        var deltas = new StringBuilder();
        var completed = false;
        await foreach (var update in await responses.CreateResponseStreamingAsync("gpt-4o", "Say hi again"))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                deltas.Append(delta.Delta);
            }
            completed |= update is StreamingResponseCompletedUpdate;
        }
#pragma warning restore OPENAI001

        Assert.True(completed);
        Assert.False(string.IsNullOrEmpty(deltas.ToString()));
        Assert.All(_env.Upstream.Requests, r => Assert.Equal("/v1/responses", r.Path));
    }

    [Fact]
    public async Task Embeddings_ReturnVectors()
    {
        var embeddings = Sdk().GetEmbeddingClient("text-embedding-3-small");

        OpenAIEmbeddingCollection result = await embeddings.GenerateEmbeddingsAsync(["one", "two"]);

        Assert.Equal(2, result.Count);
        Assert.True(result[0].ToFloats().Length > 0);
        Assert.Equal("/v1/embeddings", _env.Upstream.Requests[0].Path);
    }

    [Fact]
    public async Task Models_ListsLiteralNamesAndTheUpstreamModelsGlobRoutesServe()
    {
        var models = Sdk().GetOpenAIModelClient();

        OpenAIModelCollection list = await models.GetModelsAsync();
        OpenAIModelCollection again = await models.GetModelsAsync();
        OpenAIModel gpt = await models.GetModelAsync("gpt-4o");
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => models.GetModelAsync("claude-3"));

        var ids = list.Select(m => m.Id).ToList();
        Assert.Contains("cheap", ids);
        // From the mock's own list, kept only where a route serves them ("gpt-*", "text-embedding-*", "mock-*").
        Assert.Contains("gpt-4o", ids);
        Assert.Contains("gpt-4o-mini", ids);
        Assert.Contains("text-embedding-3-small", ids);
        Assert.DoesNotContain("o3-mini", ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, again.Select(m => m.Id));
        Assert.Equal("gpt-4o", gpt.Id);
        Assert.Equal(404, missing.Status);
        // One upstream listing, cached for the second call; retrieving a single model is answered locally.
        var upstream = Assert.Single(_env.Upstream.Requests);
        Assert.Equal("/v1/models", upstream.Path);
        Assert.Equal("Bearer " + ProxyTestEnvironment.UpstreamKey, upstream.Authorization);
    }

    [Fact]
    public async Task RewriteModel_UpstreamSeesTargetModel_ClientGetsUpstreamAnswer()
    {
        var chat = Sdk().GetChatClient("cheap");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("hi")]);

        var request = Assert.Single(_env.Upstream.Requests);
        Assert.Equal("gpt-4o-mini", request.Model);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("hi", body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("gpt-4o-mini", completion.Model);
    }

    [Fact]
    public async Task UnknownModel_Returns404ModelNotFound()
    {
        var chat = Sdk().GetChatClient("claude-3-opus");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, ex.Status);
        using var doc = JsonDocument.Parse(ex.GetRawResponse()!.Content.ToString());
        Assert.Equal("model_not_found", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, _env.Upstream.RequestCount);
    }

    [Theory]
    [InlineData("{\"model\": \"gpt-4o\", ", 400, null)]
    [InlineData("{\"messages\": []}", 400, "model")]
    [InlineData("[1,2]", 400, null)]
    public async Task BadBody_Returns400InOpenAIShape(string body, int status, string? param)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await _env.Proxy.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(status, (int)response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(0, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task OversizeBody_Returns413WithoutReadingItAll()
    {
        var big = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 11 * 1024 * 1024) + "\"}]}";
        using var content = new StringContent(big, Encoding.UTF8, "application/json");

        var response = await _env.Proxy.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("request_too_large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task OversizeChunkedBody_Returns413()
    {
        var big = Encoding.UTF8.GetBytes("{\"model\":\"gpt-4o\",\"x\":\"" + new string('x', 11 * 1024 * 1024) + "\"}");
        using var content = new StreamContent(new NonSeekableStream(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _env.Proxy.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(429, "rate_limit_exceeded")]
    [InlineData(400, "invalid_value")]
    [InlineData(500, null)]
    [InlineData(503, null)]
    public async Task UpstreamError_IsPassedThroughWithBodyAndHeaders(int status, string? code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"messages\":[]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(MockHeaders.Status, status.ToString());
        request.Headers.Add(MockHeaders.RetryAfter, "7");
        if (code is not null)
        {
            request.Headers.Add("x-mock-error-code", code);
        }

        var response = await _env.Proxy.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        Assert.True(response.Headers.Contains("x-request-id"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task SdkAndUpstreamHeaders_PassThroughUntouched()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"messages\":[]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-stainless-retry-count", "1");
        request.Headers.Add("x-stainless-lang", "python");
        request.Headers.Add("idempotency-key", "idem-123");
        request.Headers.Add("openai-organization", "org-1");
        request.Headers.Add("openai-project", "proj-1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ProxyTestEnvironment.ClientKey);
        request.Headers.Add("api-key", ProxyTestEnvironment.ClientKey);

        var response = await _env.Proxy.Client.SendAsync(request);

        response.EnsureSuccessStatusCode();
        var upstream = Assert.Single(_env.Upstream.Requests);
        Assert.Equal("1", upstream.Header("x-stainless-retry-count"));
        Assert.Equal("python", upstream.Header("x-stainless-lang"));
        Assert.Equal("idem-123", upstream.Header("idempotency-key"));
        Assert.Equal("org-1", upstream.Header("openai-organization"));
        Assert.Equal("proj-1", upstream.Header("openai-project"));
        Assert.Null(upstream.ApiKey);
        Assert.Equal("Bearer " + ProxyTestEnvironment.UpstreamKey, upstream.Authorization);
        Assert.Null(upstream.Header("x-forwarded-for"));
        Assert.Equal(upstream.RequestId, response.Headers.GetValues("x-request-id").Single());
        Assert.True(response.Headers.Contains("openai-processing-ms"));
        Assert.True(response.Headers.Contains("x-ratelimit-remaining-requests"));
    }

    [Fact]
    public async Task PassThroughPath_GoesToDefaultRouteProvider()
    {
        var response = await _env.Proxy.Client.GetAsync("v1/files?purpose=batch");

        var upstream = Assert.Single(_env.Upstream.Requests);
        Assert.Equal("/v1/files", upstream.Path);
        Assert.Equal("?purpose=batch", upstream.QueryString);
        Assert.Equal("Bearer " + ProxyTestEnvironment.UpstreamKey, upstream.Authorization);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task HealthAndReady_Answer()
    {
        var health = await _env.Proxy.Client.GetAsync("healthz");
        var ready = await _env.Proxy.Client.GetAsync("readyz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Logs_NeverContainKeysOrPrompts()
    {
        var chat = Sdk().GetChatClient("gpt-4o");
        await chat.CompleteChatAsync([new UserChatMessage("a very private prompt 4711")]);
        await Assert.ThrowsAsync<ClientResultException>(() => Sdk().GetChatClient("nope-model").CompleteChatAsync([new UserChatMessage("a very private prompt 4711")]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a very private prompt 4711\"}]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(MockHeaders.Status, "500");
        await _env.Proxy.Client.SendAsync(request);

        var logs = _env.Proxy.Logs.AllText;
        Assert.NotEmpty(_env.Proxy.Logs.Lines);
        Assert.DoesNotContain(ProxyTestEnvironment.UpstreamKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyTestEnvironment.ClientKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("private prompt 4711", logs, StringComparison.Ordinal);
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
