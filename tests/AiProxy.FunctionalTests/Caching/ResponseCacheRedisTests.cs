using System.ClientModel;
using AiProxy.Caching;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using OpenAI;
using OpenAI.Chat;
using Microsoft.Extensions.DependencyInjection;
using static AiProxy.FunctionalTests.Caching.CacheClient;

namespace AiProxy.FunctionalTests.Caching;

/// <summary>The response cache with a real redis-server as L2: shared across proxy instances, and Redis faults never fail a request.</summary>
public sealed class ResponseCacheRedisTests : IAsyncLifetime
{
    private MockUpstreamServer _upstream = null!;
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _upstream = await MockUpstreamServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private string Config() => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{_upstream.V1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
          "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["mock"],"Default":true,"Cache":{"Shared":true}}],
          "Redis":{"Configuration":"{{{_redis.Configuration}}}"}
        }}
        """;

    [Fact]
    public async Task TwoProxies_ShareEntriesThroughRedis()
    {
        await using var first = await ProxyServer.StartAsync(Config());
        await using var second = await ProxyServer.StartAsync(Config());

        await WaitReadyAsync(first);
        await WaitReadyAsync(second);

        var miss = await ChatAsync(first.Client, Chat("shared across replicas"));
        // The client has its answer before the entry reaches Redis: wait for the first proxy's store to finish.
        await WaitForStoresAsync(first);
        var hit = await ChatAsync(second.Client, Chat("shared across replicas"));
        var streamed = await ChatAsync(second.Client, Chat("shared across replicas", stream: true));

        Assert.Equal(("miss", "hit", "hit"), (miss.Cache, hit.Cache, streamed.Cache));
        Assert.Equal(miss.Body, hit.Body);
        Assert.Equal(1, _upstream.RequestCount);
    }

    private static async Task WaitReadyAsync(ProxyServer proxy)
    {
        for (var i = 0; i < 100; i++)
        {
            using var ready = await proxy.Client.GetAsync("readyz");
            if (ready.IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("the proxy never connected to Redis");
    }

    private static async Task WaitForStoresAsync(ProxyServer proxy)
    {
        var flights = proxy.Services.GetRequiredService<InFlightResponses>();
        for (var i = 0; i < 100 && flights.Count > 0; i++)
        {
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task RedisKilledMidRun_RequestsStillSucceed()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        var before = await ChatAsync(proxy.Client, Chat("before the outage"));

        _redis.Kill();
        var answers = new List<Answer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await ChatAsync(proxy.Client, Chat($"during the outage {i}")));
            answers.Add(await ChatAsync(proxy.Client, Chat($"during the outage {i}", stream: true)));
        }
        var l1Hit = await ChatAsync(proxy.Client, Chat("before the outage"));

        Assert.Equal("miss", before.Cache);
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Equal((200, "hit"), (l1Hit.Status, l1Hit.Cache));
        // Entries stored while Redis is down still land in L1.
        Assert.Equal("hit", answers[1].Cache);
    }

    [Fact]
    public async Task RedisKilledAndRestarted_ProxiesShareEntriesAgainWithoutRestart()
    {
        await using var first = await ProxyServer.StartAsync(Config());
        await using var second = await ProxyServer.StartAsync(Config());
        await WaitReadyAsync(first);
        await WaitReadyAsync(second);

        _redis.Kill();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(200, (await ChatAsync(first.Client, Chat($"during the outage {i}"))).Status);
        }
        await _redis.StartAsync();
        await WaitReadyAsync(first);
        await WaitReadyAsync(second);

        // The L2 breaker probes Redis again after its 5 s break: keep asking until a fresh entry from one proxy is a hit
        // on the other, which needs both to use Redis again.
        Answer? shared = null;
        for (var i = 0; i < 60 && shared?.Cache != "hit"; i++)
        {
            var prompt = $"after the restart {i}";
            Assert.Equal(200, (await ChatAsync(first.Client, Chat(prompt))).Status);
            await WaitForStoresAsync(first);
            await Task.Delay(200);
            shared = await ChatAsync(second.Client, Chat(prompt));
        }

        Assert.Equal("hit", shared?.Cache);
    }

    [Fact]
    public async Task RedisConfiguredButUnreachable_CacheableRequestsAnsweredWithinTheL2Timeout()
    {
        // Nothing listens on the port: every L2 call fails (or the breaker skips it); no request may wait on Redis.
        var config = Config().Replace(_redis.Configuration, "127.0.0.1:1", StringComparison.Ordinal);
        await using var proxy = await ProxyServer.StartAsync(config);

        var timings = new List<(int Status, TimeSpan Elapsed)>();
        for (var i = 0; i < 20; i++)
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var answer = await ChatAsync(proxy.Client, Chat($"no redis {i}", stream: i % 2 == 1));
            timings.Add((answer.Status, stopwatch.Elapsed));
        }

        Assert.All(timings, t => Assert.Equal(200, t.Status));
        // Redis.OperationTimeout (250 ms) + 100 ms for the proxy and the mock upstream, for the typical request; a waiting
        // bug (a connect timeout of 2 s, a command queued until Redis returns) would put every request past it. Single
        // requests on this shared machine stall for scheduling now and then, so the bound on the slowest is looser.
        var sorted = timings.ConvertAll(t => t.Elapsed);
        sorted.Sort();
        Assert.True(sorted[sorted.Count / 2] < TimeSpan.FromMilliseconds(350), $"the median request took {sorted[sorted.Count / 2].TotalMilliseconds:F0} ms");
        Assert.True(sorted[^1] < TimeSpan.FromSeconds(1.5), $"a request took {sorted[^1].TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task OfficialSdk_StreamsAJsonEntry()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        var chat = new OpenAIClient(new ApiKeyCredential(ProxyTestEnvironment.ClientKey), new OpenAIClientOptions { Endpoint = proxy.V1 }).GetChatClient("gpt-4o");
        var options = new ChatCompletionOptions { Temperature = 0 };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("sdk cross shape")], options);
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("sdk cross shape")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal(completion.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(1, _upstream.RequestCount);
    }
}
