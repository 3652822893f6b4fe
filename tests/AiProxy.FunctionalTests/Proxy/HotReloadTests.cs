using System.ClientModel;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using OpenAI;
using OpenAI.Chat;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>Config edits apply without a restart; broken edits are rejected and the last good config stays.</summary>
public sealed class HotReloadTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private ChatClient Chat(string model) => new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _env.Proxy.V1 }).GetChatClient(model);

    private string ConfigWith(string extraRoute) => ProxyTestEnvironment.DefaultConfig(_env.Upstream.V1)
        .Replace("\"Routes\":[", "\"Routes\":[" + extraRoute + ",", StringComparison.Ordinal);

    [Fact]
    public async Task ValidEdit_AppliesWithoutRestart()
    {
        var before = await Assert.ThrowsAsync<ClientResultException>(() => Chat("brand-new").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, before.Status);

        await _env.Proxy.WriteConfigAsync(ConfigWith("""{"Models":["brand-*"],"Providers":["mock"],"RewriteModel":"gpt-4o"}"""));

        await Wait.Until(async () =>
        {
            try
            {
                await Chat("brand-new").CompleteChatAsync([new UserChatMessage("hi")]);
                return true;
            }
            catch (ClientResultException)
            {
                return false;
            }
        }, "the new route to serve");
        Assert.Equal("gpt-4o", _env.Upstream.Requests[^1].Model);
    }

    [Fact]
    public async Task InvalidEdit_IsRejectedAndLastGoodConfigStays()
    {
        await _env.Proxy.WriteConfigAsync(ConfigWith("""{"Models":["x-*"],"Providers":["no-such-provider"]}"""));
        await Wait.Until(() => Task.FromResult(_env.Proxy.Logs.Lines.Any(l => l.Contains("[101]", StringComparison.Ordinal))), "the rejection to be logged");

        await _env.Proxy.WriteConfigAsync("{ this is not json");
        await Wait.Until(() => Task.FromResult(_env.Proxy.Logs.Lines.Count(l => l.Contains("[101]", StringComparison.Ordinal)) >= 2), "the second rejection");

        ChatCompletion completion = await Chat("gpt-4o").CompleteChatAsync([new UserChatMessage("still works")]);
        Assert.NotNull(completion);
        var rejection = _env.Proxy.Logs.Lines.First(l => l.Contains("[101]", StringComparison.Ordinal));
        Assert.Contains("$.AiProxy.Routes[0].Providers[0]", rejection, StringComparison.Ordinal);
        var health = await _env.Proxy.Client.GetStringAsync("healthz");
        Assert.Contains("\"configVersion\":1", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_DuringStream_DoesNotBreakInFlightStream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(MockHeaders.Chunks, "10");
        request.Headers.Add(MockHeaders.ChunkDelayMs, "150");
        using var response = await _env.Proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[256];
        Assert.True(await body.ReadAsync(first) > 0);

        // Replace the routes entirely: the in-flight stream keeps the snapshot it started with.
        await _env.Proxy.WriteConfigAsync(ProxyTestEnvironment.DefaultConfig(_env.Upstream.V1).Replace("gpt-*", "other-*", StringComparison.Ordinal));
        await Wait.Until(async () => (await _env.Proxy.Client.GetStringAsync("healthz")).Contains("\"configVersion\":2", StringComparison.Ordinal), "the reload");

        var rest = await new StreamReader(body).ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        var after = await Assert.ThrowsAsync<ClientResultException>(() => Chat("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, after.Status);
    }
}
