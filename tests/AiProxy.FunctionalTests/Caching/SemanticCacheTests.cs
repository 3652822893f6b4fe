using System.Diagnostics;
using System.Net.Sockets;
using AiProxy.Caching.Semantic;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using static AiProxy.FunctionalTests.Caching.CacheClient;

namespace AiProxy.FunctionalTests.Caching;

/// <summary>The semantic layer end to end: the real all-MiniLM-L6-v2 model, the mock upstream, a real redis-server.</summary>
public sealed class SemanticCacheTests : IAsyncLifetime
{
    private const string Original = "How do I delete a file in Linux?";
    private const string Paraphrase = "How can I remove a file on Linux?";
    private MockUpstreamServer _upstream = null!;

    public async Task InitializeAsync() => _upstream = await MockUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private string Config(string semanticExtra = "", string extraProviders = "", string redis = "") => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{_upstream.V1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}{{{extraProviders}}}},
          "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["mock"],"Default":true}{{{(extraProviders.Length > 0 ? ",{\"Name\":\"embed\",\"Models\":[\"text-embedding-*\"],\"Providers\":[\"embedder\"],\"Cache\":{\"Mode\":\"off\"}}" : "")}}}],
          "Cache":{"Semantic":{"Enabled":true,"EmbeddingBudget":"2s"{{{semanticExtra}}}}}{{{redis}}}
        }}
        """;

    private static string Ask(string prompt, bool stream = false, string system = "", string model = "gpt-4o")
        => $$"""{"model":"{{model}}","temperature":0,"stream":{{(stream ? "true" : "false")}},"messages":[{{(system.Length > 0 ? $$"""{"role":"system","content":"{{system}}"},""" : "")}}{"role":"user","content":"{{prompt}}"}]}""";

    private static async Task RememberedAsync(ProxyServer proxy, long entries)
    {
        var service = proxy.Services.GetRequiredService<SemanticCacheService>();
        var stopwatch = Stopwatch.StartNew();
        while (service.Entries < entries)
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"the semantic index has {service.Entries} entries, expected {entries}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Paraphrase_AfterAnAnswer_IsASemanticHitInBothShapes()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        var first = await ChatAsync(proxy.Client, Ask(Original));
        await RememberedAsync(proxy, 1);

        var json = await PostWithHeadersAsync(proxy, Ask(Paraphrase));
        var stream = await ChatAsync(proxy.Client, Ask(Paraphrase, stream: true));

        Assert.Equal((200, "miss"), (first.Status, first.Cache));
        Assert.Equal((200, "semantic-hit"), (json.Answer.Status, json.Answer.Cache));
        Assert.True(double.Parse(json.Score!, System.Globalization.CultureInfo.InvariantCulture) >= 0.88, json.Score);
        Assert.Equal(first.Body, json.Answer.Body);
        Assert.Equal(("semantic-hit", "text/event-stream"), (stream.Cache, stream.ContentType));
        Assert.EndsWith("data: [DONE]", stream.Events[^1], StringComparison.Ordinal);
        Assert.Equal(1, _upstream.RequestCount);
    }

    [Theory]
    [InlineData("How do I NOT delete a file in Linux?")] // negation
    [InlineData("How do I delete 3 files in Linux?")] // numbers
    [InlineData("How do I delete a file in Windows?")] // entities
    [InlineData("¿Cómo borro un archivo en Linux?")] // language
    public async Task NearMiss_OfAStoredPrompt_IsAnsweredUpstream(string nearMiss)
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        await ChatAsync(proxy.Client, Ask(Original));
        await RememberedAsync(proxy, 1);

        var answer = await ChatAsync(proxy.Client, Ask(nearMiss));

        Assert.Equal((200, "miss"), (answer.Status, answer.Cache));
        Assert.Equal(2, _upstream.RequestCount);
    }

    [Fact]
    public async Task ReversedDirection_OfAStoredPrompt_IsAnsweredUpstream()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        await ChatAsync(proxy.Client, Ask("How do I convert Celsius to Fahrenheit?"));
        await RememberedAsync(proxy, 1);

        // The paraphrase first: once the reversed prompt is stored too, the two compete and the margin guard declines both.
        var paraphrase = await ChatAsync(proxy.Client, Ask("How can I convert Celsius into Fahrenheit?"));
        var reversed = await ChatAsync(proxy.Client, Ask("How do I convert Fahrenheit to Celsius?"));

        Assert.Equal(("semantic-hit", "miss"), (paraphrase.Cache, reversed.Cache));
        Assert.Equal(2, _upstream.RequestCount);
    }

    [Fact]
    public async Task TwoStoredPromptsEquallyClose_MarginGuardAnswersUpstream()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());
        await ChatAsync(proxy.Client, Ask(Original));
        await RememberedAsync(proxy, 1);
        // A second, near-identical prompt stored beside the first (no-cache: not looked up, still remembered).
        await ChatAsync(proxy.Client, Ask("How do I delete a file in Linux"), ("cache-control", "no-cache"));
        await RememberedAsync(proxy, 2);

        var between = await ChatAsync(proxy.Client, Ask(Paraphrase));

        var metrics = await proxy.Client.GetStringAsync("/metrics");

        // Both stored prompts pass the threshold within Margin (0.02) of each other: neither answer is taken.
        Assert.Equal((200, "miss"), (between.Status, between.Cache));
        Assert.Equal(3, _upstream.RequestCount);
        Assert.Contains("aiproxy_semantic_guard_rejections_total{reason=\"margin\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherSystemPromptModelOrClient_NeverShareEntries()
    {
        var clients = ""","Clients":{"a":{"Keys":["sk-client-a"]},"b":{"Keys":["sk-client-b"]}}""";
        await using var proxy = await ProxyServer.StartAsync(Config().Replace("\"Cache\":", clients.TrimStart(',') + ",\"Cache\":", StringComparison.Ordinal));
        var a = ("authorization", "Bearer sk-client-a");
        var b = ("authorization", "Bearer sk-client-b");
        await ChatAsync(proxy.Client, Ask(Original), a);
        await RememberedAsync(proxy, 1);

        var otherClient = await ChatAsync(proxy.Client, Ask(Paraphrase), b);
        var otherSystem = await ChatAsync(proxy.Client, Ask(Paraphrase, system: "Answer like a pirate."), a);
        var otherModel = await ChatAsync(proxy.Client, Ask(Paraphrase, model: "gpt-4o-mini"), a);
        var same = await ChatAsync(proxy.Client, Ask(Paraphrase), a);

        Assert.Equal(new string?[] { "miss", "miss", "miss", "semantic-hit" }, new[] { otherClient.Cache, otherSystem.Cache, otherModel.Cache, same.Cache });
        Assert.Equal(4, _upstream.RequestCount);
    }

    [Fact]
    public async Task TwoProxiesSharingRedis_SemanticHitOnTheOther()
    {
        await using var redis = await RedisServer.StartNewAsync();
        // A generous Redis call bound: this test is about sharing, and a 250 ms L2 read timing out on a loaded machine is a miss.
        // The same for the embedding: the second proxy's first lookup loads and quantises the model (0.5-0.7 s on a quiet
        // core, over 2 s at load 20 on this 2-core box), and over budget it would be a miss.
        var config = Config(redis: $$""","Redis":{"Configuration":"{{redis.Configuration}}","OperationTimeout":"5s"}""")
            .Replace("\"EmbeddingBudget\":\"2s\"", "\"EmbeddingBudget\":\"20s\"", StringComparison.Ordinal);
        await using var first = await ProxyServer.StartAsync(config);
        await using var second = await ProxyServer.StartAsync(config);
        await first.Services.GetRequiredService<SemanticCacheService>().Ready;
        await second.Services.GetRequiredService<SemanticCacheService>().Ready;

        await ChatAsync(first.Client, Ask(Original));
        await RememberedAsync(second, 1); // arrived over pub/sub
        var hit = await ChatAsync(second.Client, Ask(Paraphrase));
        await using var third = await ProxyServer.StartAsync(config); // starts warm from the shared list
        await third.Services.GetRequiredService<SemanticCacheService>().Ready;

        Assert.Equal("semantic-hit", hit.Cache);
        Assert.Equal(1, _upstream.RequestCount);
        Assert.Equal(1, third.Services.GetRequiredService<SemanticCacheService>().Entries);
    }

    [Fact]
    public async Task Int8AndFp32ProxiesSharingRedis_NeverShareEntries()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var shared = $$""","Redis":{"Configuration":"{{redis.Configuration}}","OperationTimeout":"5s"}""";
        var int8Config = Config(redis: shared);
        var fp32Config = Config(semanticExtra: ",\"LocalPrecision\":\"fp32\"", redis: shared);
        await using var int8 = await ProxyServer.StartAsync(int8Config);
        await using var int8Peer = await ProxyServer.StartAsync(int8Config);
        await using var fp32 = await ProxyServer.StartAsync(fp32Config);
        foreach (var proxy in new[] { int8, int8Peer, fp32 })
        {
            await proxy.Services.GetRequiredService<SemanticCacheService>().Ready;
        }

        await ChatAsync(int8.Client, Ask(Original));
        await RememberedAsync(int8Peer, 1); // same precision: arrived over pub/sub
        var fp32Entries = fp32.Services.GetRequiredService<SemanticCacheService>().Entries;
        var fp32Answer = await ChatAsync(fp32.Client, Ask(Paraphrase));
        await RememberedAsync(fp32, 1); // its own answer
        await using var lateFp32 = await ProxyServer.StartAsync(fp32Config); // starts warm from the fp32 list only
        var late = lateFp32.Services.GetRequiredService<SemanticCacheService>();
        await late.Ready;

        Assert.StartsWith("minilm-int8", int8.Services.GetRequiredService<SemanticCacheService>().EmbedderId, StringComparison.Ordinal);
        Assert.Equal("minilm-fp32", late.EmbedderId);
        Assert.Equal(0, fp32Entries);
        Assert.Equal((200, "miss"), (fp32Answer.Status, fp32Answer.Cache));
        Assert.Equal(2, _upstream.RequestCount);
        Assert.Equal(1, late.Entries);
        Assert.Equal(1, int8Peer.Services.GetRequiredService<SemanticCacheService>().Entries);
    }

    [Fact]
    public async Task UpstreamEmbeddings_ObjectForm_EmbedThroughTheirRouteAndHit()
    {
        var embedder = $$""","embedder":{"Type":"openai-compatible","BaseUrl":"{{_upstream.V1}}","Keys":["sk-embed"]}""";
        await using var proxy = await ProxyServer.StartAsync(Config(
            semanticExtra: ",\"Embeddings\":{\"Provider\":\"embedder\",\"Model\":\"text-embedding-3-small\"}", extraProviders: embedder));

        var first = await ChatAsync(proxy.Client, Ask(Original));
        await RememberedAsync(proxy, 1);
        // The same final turn as a content part: another exact-cache key, the same text to embed (the mock's vectors
        // are hashes of the text, so only an equal text is similar).
        var asParts = $$"""{"model":"gpt-4o","temperature":0,"messages":[{"role":"user","content":[{"type":"text","text":"{{Original}}"}]}]}""";
        var second = await PostWithHeadersAsync(proxy, asParts);

        Assert.Equal((200, "miss"), (first.Status, first.Cache));
        Assert.Equal((200, "semantic-hit"), (second.Answer.Status, second.Answer.Cache));
        Assert.Equal(first.Body, second.Answer.Body);
        var embeddings = _upstream.Requests.Where(r => r.Path.EndsWith("/embeddings", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, embeddings.Count); // one per lookup: the miss's vector is the one remembered
        Assert.All(embeddings, r =>
        {
            Assert.Equal("text-embedding-3-small", r.Model);
            Assert.Equal("Bearer sk-embed", r.Authorization);
            Assert.Contains("\"dimensions\":384", r.BodyText, StringComparison.Ordinal);
        });
        Assert.Equal(1, _upstream.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)] // the embedding provider refuses connections
    [InlineData(true)] // it accepts and never answers
    public async Task UpstreamEmbeddingsDownOrSlow_RequestsServedAsMissesWithinTheBudget(bool hang)
    {
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = hang ? ((System.Net.IPEndPoint)silent.LocalEndpoint).Port : 1;
        var embedder = $$""","embedder":{"Type":"openai-compatible","BaseUrl":"http://127.0.0.1:{{port}}/v1","Keys":["sk-embed"]}""";
        await using var proxy = await ProxyServer.StartAsync(Config(
            semanticExtra: ",\"Embeddings\":{\"Provider\":\"embedder\",\"Model\":\"text-embedding-3-small\"}", extraProviders: embedder)
            .Replace("\"EmbeddingBudget\":\"2s\"", "\"EmbeddingBudget\":\"50ms\"", StringComparison.Ordinal));

        // Warm-up outside the semantic path (temperature 0.7 is not cached): the first request of a new process pays
        // JIT and connection set-up, seconds on this shared 2-core machine under load.
        await ChatAsync(proxy.Client, Ask(Original).Replace("\"temperature\":0", "\"temperature\":0.7", StringComparison.Ordinal));
        var timings = new List<(int Status, string? Cache, TimeSpan Elapsed)>();
        for (var i = 0; i < 4; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var answer = await ChatAsync(proxy.Client, Ask($"{Original} ({i})"));
            timings.Add((answer.Status, answer.Cache, stopwatch.Elapsed));
        }

        Assert.All(timings, t => Assert.Equal((200, "miss"), (t.Status, t.Cache)));
        // 50 ms budget + the mock upstream and the proxy's own work, bounded generously for a loaded machine: without
        // the budget a hung embedder would hold the request for the flight limit (10 s) or the provider timeout.
        Assert.All(timings, t => Assert.True(t.Elapsed < TimeSpan.FromSeconds(2), $"a request took {t.Elapsed.TotalMilliseconds:F0} ms"));
    }

    private static async Task<(Answer Answer, string? Score)> PostWithHeadersAsync(ProxyServer proxy, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await proxy.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var cache = response.Headers.TryGetValues(CacheHeader, out var c) ? string.Join(",", c) : null;
        var score = response.Headers.TryGetValues(SemanticCacheService.ScoreHeader, out var s) ? string.Join(",", s) : null;
        return (new Answer((int)response.StatusCode, cache, response.Content.Headers.ContentType?.MediaType ?? "", body), score);
    }
}
