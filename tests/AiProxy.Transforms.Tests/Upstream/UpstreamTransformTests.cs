using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Transforms.Tests.Upstream;

public sealed class UpstreamTransformTests
{
    private static (RequestTransformContext Context, UpstreamRequestFeature Feature) Create(ProviderKind kind, string baseUrl, string path, string? model, string? key, string apiVersion = "2024-10-21", string query = "")
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        var feature = new UpstreamRequestFeature
        {
            Target = new UpstreamTarget("p", kind, new Uri(baseUrl))
            {
                ClusterId = "c",
                ApiVersion = apiVersion,
                Deployments = new Dictionary<string, string> { ["gpt-4o"] = "prod-4o" },
                Headers = kind == ProviderKind.OpenRouter ? [new("X-Title", "My App")] : [],
            },
            UpstreamModel = model,
            ApiKey = key,
        };
        http.Features.Set<IUpstreamRequestFeature>(feature);
        var proxyRequest = new HttpRequestMessage(HttpMethod.Post, "http://placeholder");
        proxyRequest.Headers.TryAddWithoutValidation("Authorization", "Bearer client-key");
        proxyRequest.Headers.TryAddWithoutValidation("api-key", "client-key");
        var context = new RequestTransformContext
        {
            HttpContext = http,
            ProxyRequest = proxyRequest,
            Path = http.Request.Path,
            Query = new QueryTransformContext(http.Request),
        };
        return (context, feature);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAI, "/v1/chat/completions", "gpt-4o", "/chat/completions", "")]
    [InlineData(ProviderKind.OpenAICompatible, "/v1/embeddings", "e5", "/embeddings", "")]
    [InlineData(ProviderKind.AzureOpenAI, "/v1/chat/completions", "gpt-4o", "/openai/deployments/prod-4o/chat/completions", "?api-version=2024-10-21")]
    [InlineData(ProviderKind.AzureOpenAI, "/v1/embeddings", "text-embedding-3-small", "/openai/deployments/text-embedding-3-small/embeddings", "?api-version=2024-10-21")]
    [InlineData(ProviderKind.AzureOpenAI, "/v1/files", null, "/openai/files", "?api-version=2024-10-21")]
    public async Task PathTransform_MapsOperationOntoProvider(ProviderKind kind, string path, string? model, string expectedPath, string expectedQuery)
    {
        var (context, _) = Create(kind, "https://host/v1", path, model, "k");

        await UpstreamPathTransform.Instance.ApplyAsync(context);

        Assert.Equal(expectedPath, context.Path.Value);
        Assert.Equal(expectedQuery, context.Query.QueryString.Value ?? "");
    }

    [Fact]
    public async Task PathTransform_AzureV1Api_UsesOpenAiV1PathWithoutApiVersion()
    {
        var (context, _) = Create(ProviderKind.AzureOpenAI, "https://res.openai.azure.com", "/v1/chat/completions", "gpt-4o", "k", apiVersion: "v1");

        await UpstreamPathTransform.Instance.ApplyAsync(context);

        Assert.Equal("/openai/v1/chat/completions", context.Path.Value);
        Assert.Equal("", context.Query.QueryString.Value ?? "");
    }

    [Fact]
    public async Task PathTransform_ClientApiVersion_IsKept()
    {
        var (context, _) = Create(ProviderKind.AzureOpenAI, "https://res", "/v1/chat/completions", "gpt-4o", "k", query: "?api-version=2025-01-01-preview");

        await UpstreamPathTransform.Instance.ApplyAsync(context);

        Assert.Equal("?api-version=2025-01-01-preview", context.Query.QueryString.Value);
    }

    [Fact]
    public async Task AuthTransform_OpenAI_ReplacesClientKeyWithBearer()
    {
        var (context, _) = Create(ProviderKind.OpenAI, "https://host/v1", "/v1/chat/completions", "m", "sk-upstream");

        await UpstreamAuthTransform.Instance.ApplyAsync(context);

        Assert.Equal("Bearer sk-upstream", context.ProxyRequest.Headers.Authorization?.ToString());
        Assert.False(context.ProxyRequest.Headers.Contains("api-key"));
    }

    [Fact]
    public async Task AuthTransform_KeysInTurn_EachRequestCarriesExactlyItsOwnKey()
    {
        // The header text is made once per key and reused: requests alternating between two keys (and a fresh copy of
        // the first key's text) must each carry one Authorization value, for their own key.
        string[] keys = ["sk-upstream-a", "sk-upstream-b", new string("sk-upstream-a".AsSpan()), "sk-upstream-b"];
        foreach (var key in keys)
        {
            var (context, _) = Create(ProviderKind.OpenAI, "https://host/v1", "/v1/chat/completions", "m", key);

            await UpstreamAuthTransform.Instance.ApplyAsync(context);

            Assert.True(context.ProxyRequest.Headers.NonValidated.TryGetValues("Authorization", out var values));
            Assert.Equal(["Bearer " + key], values);
        }
    }

    [Fact]
    public async Task AuthTransform_Azure_SendsApiKeyHeaderOnly()
    {
        var (context, _) = Create(ProviderKind.AzureOpenAI, "https://host", "/v1/chat/completions", "m", "az-upstream");

        await UpstreamAuthTransform.Instance.ApplyAsync(context);

        Assert.Null(context.ProxyRequest.Headers.Authorization);
        Assert.Equal(["az-upstream"], context.ProxyRequest.Headers.GetValues("api-key"));
    }

    [Fact]
    public async Task AuthTransform_NoKey_StripsClientCredentialsAnyway()
    {
        var (context, _) = Create(ProviderKind.Ollama, "http://localhost:11434/v1", "/v1/chat/completions", "llama3", key: null);

        await UpstreamAuthTransform.Instance.ApplyAsync(context);

        Assert.Null(context.ProxyRequest.Headers.Authorization);
        Assert.False(context.ProxyRequest.Headers.Contains("api-key"));
    }

    [Fact]
    public async Task AuthTransform_OpenRouter_AddsConfiguredHeaders()
    {
        var (context, _) = Create(ProviderKind.OpenRouter, "https://openrouter.ai/api/v1", "/v1/chat/completions", "m", "or-key");

        await UpstreamAuthTransform.Instance.ApplyAsync(context);

        Assert.Equal(["My App"], context.ProxyRequest.Headers.GetValues("X-Title"));
    }
}
