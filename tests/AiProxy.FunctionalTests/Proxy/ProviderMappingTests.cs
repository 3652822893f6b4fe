using System.ClientModel;
using AiProxy.FunctionalTests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>Provider dialects: Azure deployment paths and api-key, OpenRouter headers, keyless Ollama, missing keys.</summary>
public sealed class ProviderMappingTests
{
    private static OpenAIClient Sdk(ProxyServer proxy) => new(new ApiKeyCredential(ProxyTestEnvironment.ClientKey), new OpenAIClientOptions { Endpoint = proxy.V1 });

    [Fact]
    public async Task Azure_MapsDeploymentPathApiVersionAndApiKey()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$$"""
            {"AiProxy":{
              "Providers":{"az":{"Type":"azure-openai","BaseUrl":"{{{{v1.GetLeftPart(UriPartial.Authority)}}}}","Keys":["az-upstream-key"],
                                 "ApiVersion":"2024-10-21","Deployments":{"gpt-4o":"prod-4o"}}},
              "Routes":[{"Models":["*"],"Providers":["az"]}]
            }}
            """);

        await Sdk(env.Proxy).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]);
        await Sdk(env.Proxy).GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("x");

        var chat = env.Upstream.Requests[0];
        Assert.Equal("/openai/deployments/prod-4o/chat/completions", chat.Path);
        Assert.Equal("?api-version=2024-10-21", chat.QueryString);
        Assert.Equal("az-upstream-key", chat.ApiKey);
        Assert.Null(chat.Authorization);
        Assert.Equal("/openai/deployments/text-embedding-3-small/embeddings", env.Upstream.Requests[1].Path);
    }

    [Fact]
    public async Task OpenRouter_SendsConfiguredHeaders()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$$"""
            {"AiProxy":{
              "Providers":{"or":{"Type":"openrouter","BaseUrl":"{{{{v1}}}}","Keys":["or-key"],"Headers":{"HTTP-Referer":"https://app.example","X-Title":"My App"}}},
              "Routes":[{"Models":["*"],"Providers":["or"]}]
            }}
            """);

        await Sdk(env.Proxy).GetChatClient("meta-llama/llama-3-70b").CompleteChatAsync([new UserChatMessage("hi")]);

        var request = Assert.Single(env.Upstream.Requests);
        Assert.Equal("https://app.example", request.Header("HTTP-Referer"));
        Assert.Equal("My App", request.Header("X-Title"));
        Assert.Equal("Bearer or-key", request.Authorization);
        Assert.Equal("meta-llama/llama-3-70b", request.Model);
    }

    [Fact]
    public async Task Ollama_WithoutKeys_SendsNoCredentials()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$$"""
            {"AiProxy":{"Providers":{"local":{"Type":"ollama","BaseUrl":"{{{{v1}}}}"}},"Routes":[{"Models":["*"],"Providers":["local"]}]}}
            """);

        await Sdk(env.Proxy).GetChatClient("llama3").CompleteChatAsync([new UserChatMessage("hi")]);

        var request = Assert.Single(env.Upstream.Requests);
        Assert.Null(request.Authorization);
        Assert.Null(request.ApiKey);
    }

    [Fact]
    public async Task ProviderWithoutKeyValue_Answers503NamingProviderAndSetting()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$$"""
            {"AiProxy":{"Providers":{"openai":{"Type":"openai","BaseUrl":"{{{{v1}}}}","Keys":["env:AIPROXY_FT_UNSET_KEY"]}},"Routes":[{"Models":["*"],"Providers":["openai"]}]}}
            """);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(env.Proxy).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(503, ex.Status);
        var body = ex.GetRawResponse()!.Content.ToString();
        Assert.Contains("provider 'openai'", body, StringComparison.Ordinal);
        Assert.Contains("AIPROXY_FT_UNSET_KEY", body, StringComparison.Ordinal);
        Assert.Equal(0, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task UpstreamDown_Answers502InOpenAIShape()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(_ => """
            {"AiProxy":{"Providers":{"dead":{"Type":"openai-compatible","BaseUrl":"http://127.0.0.1:1/v1","Keys":["k"]}},"Routes":[{"Models":["*"],"Providers":["dead"]}]}}
            """);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(env.Proxy).GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(502, ex.Status);
        Assert.Contains("upstream_error", ex.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelList_UpstreamDown_StillAnswersWithConfiguredNames()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(_ => """
            {"AiProxy":{"Providers":{"dead":{"Type":"openai-compatible","BaseUrl":"http://127.0.0.1:1/v1","Keys":["k"]}},
             "Routes":[{"Models":["fixed-name"],"Providers":["dead"]},{"Models":["*"],"Providers":["dead"]}]}}
            """);

        var response = await env.Proxy.Client.GetAsync("v1/models");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"fixed-name\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-", body, StringComparison.Ordinal);
    }
}
