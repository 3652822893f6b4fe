using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using static AiProxy.FunctionalTests.Caching.CacheClient;

namespace AiProxy.FunctionalTests.Caching;

/// <summary>The exact response cache through a real proxy and mock upstream (L1 only).</summary>
public sealed class ResponseCacheTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private HttpClient Client => _env.Proxy.Client;

    [Fact]
    public async Task Chat_DeterministicRepeat_MissThenHitWithOneUpstreamCall()
    {
        var first = await ChatAsync(Client, Chat("repeat me"));
        var second = await ChatAsync(Client, Chat("repeat me"));

        Assert.Equal((200, "miss"), (first.Status, first.Cache));
        Assert.Equal((200, "hit"), (second.Status, second.Cache));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal("application/json", second.ContentType);
        Assert.Equal(1, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Chat_NotDeterministic_BypassesEveryTime()
    {
        var first = await ChatAsync(Client, Chat("creative", extra: "\"temperature\":0.7"));
        var second = await ChatAsync(Client, Chat("creative", extra: "\"temperature\":0.7"));
        var noTemperature = await ChatAsync(Client, Chat("creative", extra: ""));
        var twoChoices = await ChatAsync(Client, Chat("creative", extra: "\"temperature\":0,\"n\":2"));

        Assert.All([first, second, noTemperature, twoChoices], a => Assert.Equal((200, "bypass"), (a.Status, a.Cache)));
        Assert.Equal(4, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Chat_Seed_IsCacheable()
    {
        await ChatAsync(Client, Chat("seeded", extra: "\"seed\":42,\"temperature\":1"));
        var second = await ChatAsync(Client, Chat("seeded", extra: "\"temperature\":1,\"seed\":42"));

        Assert.Equal("hit", second.Cache);
        Assert.Equal(1, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task CacheControl_NoCacheSkipsLookupButStores_NoStoreSkipsStore()
    {
        await ChatAsync(Client, Chat("cc"));
        var noCache = await ChatAsync(Client, Chat("cc"), ("cache-control", "no-cache"));
        Assert.Equal("miss", noCache.Cache);
        Assert.Equal(2, _env.Upstream.RequestCount);

        var noStore = await ChatAsync(Client, Chat("cc-nostore"), ("cache-control", "no-store"));
        var afterNoStore = await ChatAsync(Client, Chat("cc-nostore"));
        Assert.Equal("miss", noStore.Cache);
        Assert.Equal("miss", afterNoStore.Cache);

        var both = await ChatAsync(Client, Chat("cc-nostore"), ("cache-control", "no-cache, no-store"));
        Assert.Equal("bypass", both.Cache);
        Assert.Equal(5, _env.Upstream.RequestCount);

        var hit = await ChatAsync(Client, Chat("cc-nostore"));
        Assert.Equal("hit", hit.Cache);
    }

    [Fact]
    public async Task TtlHeader_Zero_DoesNotStore()
    {
        await ChatAsync(Client, Chat("ttl"), ("x-aiproxy-cache-ttl", "0s"));
        var second = await ChatAsync(Client, Chat("ttl"));

        Assert.Equal("miss", second.Cache);
        Assert.Equal(2, _env.Upstream.RequestCount);
    }

    [Theory]
    [InlineData("""{ "messages" : [ { "content" : "canon", "role" : "user" } ], "temperature" : 0.0, "model" : "gpt-4o" }""", "hit")]
    [InlineData("""{"temperature":0e0,"model":"gpt-4o","user":"someone-else","metadata":{"a":"b"},"stream":false,"messages":[{"role":"user","content":"canon"}]}""", "hit")]
    [InlineData("""{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"can\u006fn"}]}""", "hit")]
    [InlineData("""{"model":"gpt-4o","temperature":0,"top_p":0.5,"messages":[{"role":"user","content":"canon"}]}""", "miss")]
    [InlineData("""{"model":"gpt-4o","temperature":0,"max_tokens":5,"messages":[{"role":"user","content":"canon"}]}""", "miss")]
    [InlineData("""{"model":"gpt-4o","seed":1,"temperature":0,"messages":[{"role":"user","content":"canon"}]}""", "miss")]
    [InlineData("""{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"Canon"}]}""", "miss")]
    public async Task Key_Canonicalization_EndToEnd(string variant, string expected)
    {
        var original = await ChatAsync(Client, """{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":"canon"}]}""");
        var answer = await ChatAsync(Client, variant);

        Assert.Equal("miss", original.Cache);
        Assert.Equal(expected, answer.Cache);
        Assert.Equal(expected == "hit" ? 1 : 2, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Stream_CachedThenReplayedAsSameEventsAndAsJson()
    {
        var first = await ChatAsync(Client, Chat("stream me", stream: true), (MockHeaders.Chunks, "5"));
        var replay = await ChatAsync(Client, Chat("stream me", stream: true));
        var json = await ChatAsync(Client, Chat("stream me"));

        Assert.Equal(("miss", "hit", "hit"), (first.Cache, replay.Cache, json.Cache));
        Assert.Equal(1, _env.Upstream.RequestCount);
        Assert.Equal("text/event-stream", replay.ContentType);
        Assert.Equal(first.Events, replay.Events);
        Assert.Equal("data: [DONE]", replay.Events[^1]);

        using var doc = JsonDocument.Parse(json.Body);
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(StreamedText(first.Events), root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Json_CachedThenReplayedAsStream_WithUsageWhenAsked()
    {
        var first = await ChatAsync(Client, Chat("json first"));
        var stream = await ChatAsync(Client, """{"model":"gpt-4o","temperature":0,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"json first"}]}""");

        Assert.Equal("hit", stream.Cache);
        Assert.Equal("text/event-stream", stream.ContentType);
        Assert.Equal(1, _env.Upstream.RequestCount);
        using var doc = JsonDocument.Parse(first.Body);
        Assert.Equal(doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StreamedText(stream.Events));
        Assert.Equal("data: [DONE]", stream.Events[^1]);
        using var usage = JsonDocument.Parse(stream.Events[^2]["data: ".Length..]);
        Assert.Equal(doc.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32(), usage.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Stream_UsageChunk_FollowsTheReplayingClientsOption()
    {
        var withUsage = """{"model":"gpt-4o","temperature":0,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"usage"}]}""";
        var first = await ChatAsync(Client, withUsage);
        var without = await ChatAsync(Client, Chat("usage", stream: true));

        Assert.Equal("hit", without.Cache);
        Assert.Contains(first.Events, e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
        Assert.DoesNotContain(without.Events, e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
        Assert.Equal(first.Events.Count - 1, without.Events.Count);
    }

    [Fact]
    public async Task Stream_AbortedUpstream_IsNeverCached()
    {
        var partial = await ChatAsync(Client, Chat("partial", stream: true), (MockHeaders.Chunks, "6"), (MockHeaders.AbortAfterChunks, "3"));
        var again = await ChatAsync(Client, Chat("partial", stream: true));

        Assert.DoesNotContain("[DONE]", partial.Body, StringComparison.Ordinal);
        Assert.Equal("miss", again.Cache);
        Assert.Equal(2, _env.Upstream.RequestCount);
        Assert.EndsWith("data: [DONE]", again.Events[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamError_IsNeverCached()
    {
        var failed = await ChatAsync(Client, Chat("error"), (MockHeaders.Status, "400"));
        var again = await ChatAsync(Client, Chat("error"));

        Assert.Equal(400, failed.Status);
        Assert.Equal((200, "miss"), (again.Status, again.Cache));
    }

    [Fact]
    public async Task Coalescing_FiftyIdenticalNonStreamingRequests_OneUpstreamCall()
    {
        var tasks = new Task<Answer>[50];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = ChatAsync(Client, Chat("together"), (MockHeaders.DelayMs, "1500"));
        }
        var answers = await Task.WhenAll(tasks);

        Assert.Equal(1, _env.Upstream.RequestCount);
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.Single(answers, a => a.Cache == "miss");
        Assert.All(answers, a => Assert.Equal(answers[0].Body, a.Body));
    }

    [Fact]
    public async Task Coalescing_FiftyIdenticalStreamingRequests_OneUpstreamCallAndSameEvents()
    {
        var tasks = new Task<Answer>[50];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = ChatAsync(Client, Chat("together-stream", stream: true), (MockHeaders.Chunks, "10"), (MockHeaders.ChunkDelayMs, "150"));
        }
        var answers = await Task.WhenAll(tasks);

        Assert.Equal(1, _env.Upstream.RequestCount);
        Assert.Single(answers, a => a.Cache == "miss");
        var events = answers[0].Events;
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.All(answers, a => Assert.Equal(events, a.Events));
    }

    [Fact]
    public async Task Coalescing_LeaderFails_FollowersCallUpstreamThemselves()
    {
        var leader = ChatAsync(Client, Chat("leader-fails", stream: true), (MockHeaders.DelayMs, "800"), (MockHeaders.Status, "500"));
        await _env.Upstream.WaitForRequestAsync(0, TimeSpan.FromSeconds(5));
        var follower = await ChatAsync(Client, Chat("leader-fails", stream: true));
        var failed = await leader;

        Assert.NotEqual(200, failed.Status);
        Assert.Equal(200, follower.Status);
        Assert.EndsWith("data: [DONE]", follower.Events[^1], StringComparison.Ordinal);
        Assert.True(_env.Upstream.RequestCount >= 2);
    }

    [Fact]
    public async Task Embeddings_AreAlwaysDeterministic()
    {
        const string body = """{"model":"text-embedding-3-small","input":"embed me"}""";
        var first = await PostAsync(Client, "v1/embeddings", body);
        var second = await PostAsync(Client, "v1/embeddings", body);

        Assert.Equal(("miss", "hit"), (first.Cache, second.Cache));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(1, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Responses_StreamCachedThenServedAsJson()
    {
        const string streaming = """{"model":"gpt-4o","temperature":0,"stream":true,"input":"responses cache"}""";
        var first = await PostAsync(Client, "v1/responses", streaming);
        var json = await PostAsync(Client, "v1/responses", streaming.Replace("\"stream\":true", "\"stream\":false"));
        var replay = await PostAsync(Client, "v1/responses", streaming);

        Assert.Equal(("miss", "hit", "hit"), (first.Cache, json.Cache, replay.Cache));
        Assert.Equal(1, _env.Upstream.RequestCount);
        Assert.Equal(first.Events, replay.Events);
        using var doc = JsonDocument.Parse(json.Body);
        Assert.Equal("response", doc.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Purge_ByRoute_DropsEntries()
    {
        await ChatAsync(Client, Chat("purge me"));
        Assert.Equal("hit", (await ChatAsync(Client, Chat("purge me"))).Cache);

        using var purge = await Client.PostAsync("admin/cache/purge?route=gpt", null);
        var afterPurge = await ChatAsync(Client, Chat("purge me"));

        Assert.Equal(200, (int)purge.StatusCode);
        Assert.Contains("route:gpt", await purge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("miss", afterPurge.Cache);
    }

    [Fact]
    public async Task RouteModeOff_DoesNotCache()
    {
        await _env.DisposeAsync();
        _env = await ProxyTestEnvironment.StartAsync(v1 => $$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
              "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["mock"],"Default":true,"Cache":{"Mode":"off"}}]
            }}
            """);
        await ChatAsync(Client, Chat("off"));
        var second = await ChatAsync(Client, Chat("off"));

        Assert.Equal("bypass", second.Cache);
        Assert.Equal(2, _env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Metrics_CountExactLookupsNextToTheHybridLayers()
    {
        await ChatAsync(Client, Chat("metered"));
        await ChatAsync(Client, Chat("metered"));
        await ChatAsync(Client, Chat("metered", extra: ""));

        var metrics = await Client.GetStringAsync("metrics");

        Assert.Contains("aiproxy_cache_lookups_total{layer=\"exact\",result=\"hit\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("aiproxy_cache_lookups_total{layer=\"exact\",result=\"miss\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("aiproxy_cache_lookups_total{layer=\"exact\",result=\"bypass\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("aiproxy_cache_lookups_total{layer=\"l1\",result=\"hit\"} 1", metrics, StringComparison.Ordinal);
        Assert.Single(metrics.Split('\n'), l => l.StartsWith("# TYPE aiproxy_cache_lookups_total", StringComparison.Ordinal));
    }

    private static string StreamedText(List<string> events)
    {
        var text = new StringBuilder();
        foreach (var evt in events)
        {
            var data = evt[(evt.IndexOf("data: ", StringComparison.Ordinal) + 6)..];
            if (data == "[DONE]")
            {
                continue;
            }
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
        }
        return text.ToString();
    }
}
