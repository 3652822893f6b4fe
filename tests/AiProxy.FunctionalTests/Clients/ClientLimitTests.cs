using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace AiProxy.FunctionalTests.Clients;

/// <summary>Client keys and per-client limits, with the headers and errors OpenAI SDKs understand.</summary>
public sealed class ClientLimitTests
{
    private const string KeyA = "sk-client-a-000111";
    private const string KeyB = "sk-client-b-000222";

    private static string Config(Uri v1, string clientA, string clientB = "{}", string redis = "") => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["sk-upstream"]}},
          "Routes":[{"Models":["gpt-*"],"Providers":["mock"]},{"Models":["o*"],"Providers":["mock"]}],
          "Clients":{
            "team-a":{"Keys":["{{{KeyA}}}"],"RateLimit":{{{clientA}}}},
            "team-b":{"Keys":["{{{KeyB}}}"],"RateLimit":{{{clientB}}},"AllowedModels":["gpt-*"]}
          }{{{redis}}}
        }}
        """;

    private static HttpRequestMessage Chat(string key, string body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", params (string, string)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", key);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    }

    private static async Task<ProxyTestEnvironment> StartWithClock(FakeTimeProvider clock, Func<Uri, string> config)
    {
        var upstream = await MockUpstreamServer.StartAsync();
        var proxy = await ProxyServer.StartAsync(config(upstream.V1), b => b.Services.AddSingleton<TimeProvider>(clock));
        return ProxyTestEnvironment.Wrap(upstream, proxy);
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    [Fact]
    public async Task MissingOrUnknownKey_Gets401InvalidApiKey()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, "{}"));
        var sdk = new OpenAIClient(new ApiKeyCredential("sk-wrong"), new OpenAIClientOptions { Endpoint = env.Proxy.V1 });

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => sdk.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));
        using var noKey = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        var missing = await env.Proxy.Client.SendAsync(noKey);

        Assert.Equal(401, ex.Status);
        Assert.Contains("invalid_api_key", ex.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(0, env.Upstream.RequestCount);
        Assert.DoesNotContain("sk-wrong", env.Proxy.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidKey_ViaBearerOrApiKeyHeader_IsAcceptedAndNeverForwarded()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, "{}"));
        var sdk = new OpenAIClient(new ApiKeyCredential(KeyA), new OpenAIClientOptions { Endpoint = env.Proxy.V1 });
        await sdk.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]);
        using var viaApiKey = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"messages\":[]}", Encoding.UTF8, "application/json"),
        };
        viaApiKey.Headers.Add("api-key", KeyB);

        var response = await env.Proxy.Client.SendAsync(viaApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(env.Upstream.Requests, r =>
        {
            Assert.Equal("Bearer sk-upstream", r.Authorization);
            Assert.Null(r.ApiKey);
        });
    }

    [Fact]
    public async Task AllowedModels_OtherModel_Gets403()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, "{}"));

        using var request = Chat(KeyB, "{\"model\":\"o3-mini\",\"messages\":[]}");
        var response = await env.Proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("model_not_allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task RequestsPerMinute_LimitsOneClientOnly_AndRecoversAfterTheWindow()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartWithClock(clock, v1 => Config(v1, """{"RequestsPerMinute":2}"""));

        var first = await env.Proxy.Client.SendAsync(Chat(KeyA));
        var second = await env.Proxy.Client.SendAsync(Chat(KeyA));
        var third = await env.Proxy.Client.SendAsync(Chat(KeyA));
        var other = await env.Proxy.Client.SendAsync(Chat(KeyB));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", Header(first, "x-ratelimit-limit-requests"));
        Assert.Equal("1", Header(first, "x-ratelimit-remaining-requests"));
        Assert.Equal("1m0s", Header(first, "x-ratelimit-reset-requests"));
        Assert.Equal("0", Header(second, "x-ratelimit-remaining-requests"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("60", Header(third, "retry-after"));
        Assert.Equal("60000", Header(third, "retry-after-ms"));
        using (var doc = JsonDocument.Parse(await third.Content.ReadAsStringAsync()))
        {
            var error = doc.RootElement.GetProperty("error");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.Equal("requests", error.GetProperty("type").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(3, env.Upstream.RequestCount);

        clock.Advance(TimeSpan.FromSeconds(61));
        var later = await env.Proxy.Client.SendAsync(Chat(KeyA));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task TokensPerMinute_ReservesEstimateThenSettlesToRealUsage()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartWithClock(clock, v1 => Config(v1, """{"TokensPerMinute":1000}"""));
        const string body = "{\"model\":\"gpt-4o\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

        var first = await env.Proxy.Client.SendAsync(Chat(KeyA, body));
        using var usageDoc = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var used = usageDoc.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64();
        var second = await env.Proxy.Client.SendAsync(Chat(KeyA, body));

        var remaining1 = long.Parse(Header(first, "x-ratelimit-remaining-tokens"), CultureInfo.InvariantCulture);
        var remaining2 = long.Parse(Header(second, "x-ratelimit-remaining-tokens"), CultureInfo.InvariantCulture);
        var estimate = 1000 - remaining1;
        Assert.True(estimate >= 200, $"estimate {estimate} should include max_tokens");
        Assert.Equal(1000 - used - estimate, remaining2);
    }

    [Fact]
    public async Task Streaming_WithoutIncludeUsage_ClientSeesNoUsageChunk_AndTokensSettleToUpstreamUsage()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await StartWithClock(clock, v1 => Config(v1, """{"TokensPerMinute":1000}"""));
        const string body = "{\"model\":\"gpt-4o\",\"stream\":true,\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"12345678\"}]}";

        var first = await env.Proxy.Client.SendAsync(Chat(KeyA, body));
        var text = await first.Content.ReadAsStringAsync();
        var second = await env.Proxy.Client.SendAsync(Chat(KeyA, body));
        await second.Content.ReadAsStringAsync();

        // The client did not ask for usage: neither the usage chunk nor the "usage":null fields reach it.
        Assert.DoesNotContain("\"usage\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        using var upstreamBody = JsonDocument.Parse(env.Upstream.Requests[0].Body);
        Assert.True(upstreamBody.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        // The mock's usage: ceil(8 chars / 4) = 2 prompt tokens + 5 completion chunks.
        const long upstreamUsage = 2 + 5;
        var remaining1 = long.Parse(Header(first, "x-ratelimit-remaining-tokens"), CultureInfo.InvariantCulture);
        var remaining2 = long.Parse(Header(second, "x-ratelimit-remaining-tokens"), CultureInfo.InvariantCulture);
        Assert.Equal(1000 - upstreamUsage - (1000 - remaining1), remaining2);
    }

    [Fact]
    public async Task Streaming_ClientAskedForUsage_KeepsTheUsageChunk()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, "{}"));
        var sdk = new OpenAIClient(new ApiKeyCredential(KeyA), new OpenAIClientOptions { Endpoint = env.Proxy.V1 });
        ChatTokenUsage? usage = null;

        await foreach (var update in sdk.GetChatClient("gpt-4o").CompleteChatStreamingAsync([new UserChatMessage("12345678")]))
        {
            usage ??= update.Usage;
        }

        Assert.NotNull(usage);
        Assert.Equal(7, usage!.TotalTokenCount);
    }

    [Fact]
    public async Task MaxConcurrent_SecondRequestGets429_AndTheSdkRetrySucceedsWhenTheSlotFrees()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, """{"MaxConcurrent":1}"""));
        var slow = env.Proxy.Client.SendAsync(Chat(KeyA, headers: (MockHeaders.DelayMs, "1500")));
        await env.Upstream.WaitForRequestAsync(0, TimeSpan.FromSeconds(5));

        var raw = await env.Proxy.Client.SendAsync(Chat(KeyA));
        Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
        Assert.True(raw.Headers.Contains("retry-after"));

        // The official SDK sees the same 429, honours retry-after and succeeds once the slow request is done.
        var sdk = new OpenAIClient(new ApiKeyCredential(KeyA), new OpenAIClientOptions { Endpoint = env.Proxy.V1 });
        ChatCompletion completion = await sdk.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.NotNull(completion);
        Assert.Equal(HttpStatusCode.OK, (await slow).StatusCode);
    }

    [Fact]
    public async Task ThreeReplicasSharingRedis_AllowExactlyTheLimit_AndKeepServingWhenRedisStops()
    {
        await using var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        var config = Config(upstream.V1, """{"RequestsPerMinute":100}""", redis: $$""","Redis":{"Configuration":"{{redis.Configuration}}","ExpectedReplicas":3}""");
        var proxies = new List<ProxyServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                proxies.Add(await ProxyServer.StartAsync(config));
            }
            foreach (var p in proxies)
            {
                await WaitReady(p);
            }

            var allowed = 0;
            var denied = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, 600), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
            {
                using var response = await proxies[i % 3].Client.SendAsync(Chat(KeyA), ct);
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref allowed);
                else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref denied);
            });

            Assert.InRange(allowed, 100, 102);
            Assert.Equal(600, allowed + denied);

            // Redis gone: no request fails for it; each replica falls back to limit / replicas locally (here B has no limit).
            redis.Kill();
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 6; i++)
            {
                using var response = await proxies[i % 3].Client.SendAsync(Chat(KeyB));
                statuses.Add(response.StatusCode);
            }
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        }
        finally
        {
            foreach (var p in proxies)
            {
                await p.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RedisStopped_LimitedClientFallsBackToLocalShareOfTheLimit()
    {
        var redis = await RedisServer.StartNewAsync();
        await using var upstream = await MockUpstreamServer.StartAsync(new MockUpstreamOptions { RecordRequests = false });
        await using var proxy = await ProxyServer.StartAsync(Config(upstream.V1, """{"RequestsPerMinute":30}""",
            redis: $$""","Redis":{"Configuration":"{{redis.Configuration}}","ExpectedReplicas":3}"""));
        await WaitReady(proxy);
        Assert.Equal(HttpStatusCode.OK, (await proxy.Client.SendAsync(Chat(KeyA))).StatusCode);

        await redis.DisposeAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 15; i++)
        {
            statuses.Add((await proxy.Client.SendAsync(Chat(KeyA))).StatusCode);
        }

        // 30 / 3 replicas = 10 per minute locally: requests go on, within the local share.
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    private static async Task WaitReady(ProxyServer proxy)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await proxy.Client.GetAsync("readyz")).StatusCode == HttpStatusCode.OK)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("proxy did not become ready (Redis)");
    }

    [Fact]
    public async Task ClientKeyFile_Rotated_NewKeyWorksAndOldKeyIsRejected_WithoutAConfigEdit()
    {
        var dir = Directory.CreateTempSubdirectory("aiproxy-client-keys-").FullName;
        var keyFile = Path.Combine(dir, "key");
        await File.WriteAllTextAsync(keyFile, "sk-client-file-one\n");
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["sk-upstream"]}},
              "Routes":[{"Models":["*"],"Providers":["mock"]}],
              "Clients":{"team-file":{"Keys":["file:{{{dir}}}"]}}
            }}
            """);
        Assert.Equal(HttpStatusCode.OK, (await env.Proxy.Client.SendAsync(Chat("sk-client-file-one"))).StatusCode);

        await File.WriteAllTextAsync(keyFile, "sk-client-file-two\n");

        await Wait.Until(async () => (await env.Proxy.Client.SendAsync(Chat("sk-client-file-two"))).StatusCode == HttpStatusCode.OK, "the rotated client key to work");
        Assert.Equal(HttpStatusCode.Unauthorized, (await env.Proxy.Client.SendAsync(Chat("sk-client-file-one"))).StatusCode);
        Assert.DoesNotContain("sk-client-file", env.Proxy.Logs.AllText, StringComparison.Ordinal);
    }
}
