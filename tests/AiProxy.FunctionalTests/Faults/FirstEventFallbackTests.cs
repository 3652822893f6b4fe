using System.ClientModel;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using OpenAI;
using OpenAI.Chat;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>A stream that fails before its first event is retried like an HTTP error; after content, it ends with an error event.</summary>
public sealed class FirstEventFallbackTests
{
    private static readonly byte[] InBandError = """data: {"error":{"message":"Provider returned error","code":502}}"""u8.ToArray().Concat("\n\n"u8.ToArray()).ToArray();

    public static TheoryData<string, MockBehavior> FaultsBeforeTheFirstEvent => new()
    {
        { "in-band error event first", new MockBehavior { ErrorAfterChunks = 0 } },
        { "OpenRouter error after a keep-alive comment", new MockBehavior { Body = [.. ": OPENROUTER PROCESSING\n\n"u8, .. InBandError], ContentType = "text/event-stream" } },
        { "200 with an empty body", new MockBehavior { Body = [], ContentType = "text/event-stream" } },
        { "200 then reset before any event", new MockBehavior { Body = [], ContentType = "text/event-stream", AbortAfterChunks = 1 } },
    };

    [Theory]
    [MemberData(nameof(FaultsBeforeTheFirstEvent))]
    public async Task StreamFailsBeforeFirstEvent_IsRetried_ClientGetsTheWholeStream(string fault, MockBehavior behavior)
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1), FaultClient.FailFirst(1, behavior));
        var sdk = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = env.Proxy.V1 });
        var text = new StringBuilder();

        await foreach (var update in sdk.GetChatClient("gpt-4o").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.True(text.Length > 0, fault);
        Assert.Equal(2, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task InBandErrorFirst_TwoProviders_FallsBackToTheSecond()
    {
        await using var bad = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { Behavior = _ => new MockBehavior { ErrorAfterChunks = 0 } });
        await using var good = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync($$$"""
            {"AiProxy":{
              "Providers":{
                "bad":{"Type":"openai-compatible","BaseUrl":"{{{bad.V1}}}","Keys":["sk-a"]},
                "good":{"Type":"openai-compatible","BaseUrl":"{{{good.V1}}}","Keys":["sk-b"]}},
              "Routes":[{"Models":["*"],"Providers":["bad","good"],"Balance":"fallback"}],
              "Cache":{"Mode":"off"}
            }}
            """);

        using var response = await proxy.Client.SendAsync(FaultClient.Chat(stream: true), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.DoesNotContain("\"error\"", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal((1, 1), (bad.RequestCount, good.RequestCount));
    }

    [Fact]
    public async Task InBandErrorFirst_OnTheLastAttempt_ReachesTheClientAsThatEvent()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(
            v1 => FaultClient.Config(v1, ""","Retry":{"MaxAttempts":1}"""), FaultClient.FailFirst(5, new MockBehavior { ErrorAfterChunks = 0 }));

        using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat(stream: true), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("data: {\"error\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Equal(1, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task SlowFirstEvent_PastTheHold_StreamsWithoutRetry()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1, ""","Retry":{"FirstEventTimeout":"200ms"}"""));

        using var response = await env.Proxy.Client.SendAsync(
            FaultClient.Chat(stream: true, (MockHeaders.FirstEventDelayMs, "1500")), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("data: {\"id\"", body, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal(1, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task ErrorAfterContent_IsNotRetried_ClientGetsErrorEventAndNoDone()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => FaultClient.Config(v1), FaultClient.FailFirst(1, new MockBehavior { ErrorAfterChunks = 2 }));

        using var response = await env.Proxy.Client.SendAsync(FaultClient.Chat(stream: true), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("data: {\"id\"", body, StringComparison.Ordinal);
        Assert.Contains("data: {\"error\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Equal(1, env.Upstream.RequestCount);
    }
}
