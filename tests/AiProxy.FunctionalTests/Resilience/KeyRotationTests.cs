using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>Key pools, cooldowns, fallback and balancing, seen from a client through a real proxy.</summary>
public sealed class KeyRotationTests
{
    private static HttpRequestMessage Chat(bool stream = false, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($"{{\"model\":\"gpt-4o\",\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    }

    private static string Config(string providers, string routeProviders, string balance = "fallback") =>
        "{\"AiProxy\":{\"Providers\":{" + providers + "},\"Routes\":[{\"Models\":[\"*\"],\"Providers\":[" + routeProviders
        + "],\"Balance\":\"" + balance + "\"}],\"Retry\":{\"BaseDelay\":\"10ms\"}}}";

    [Fact]
    public async Task ThreeKeys_OneAlways429_NoClientErrorAndBadKeySkippedDuringCooldown()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","KeyStrategy":"round-robin","Keys":["sk-good-a","sk-mock-status-429","sk-good-c"]}
            """, "\"mock\""));

        var statuses = new ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var request = Chat(headers: (MockHeaders.RetryAfter, "60"));
            using var response = await env.Proxy.Client.SendAsync(request, ct);
            statuses.Add(response.StatusCode);
        });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var badKeyCalls = env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-mock-status-429");
        // Concurrent requests may each hit the key before its first 429 lands; after that it sits out its 60 s cooldown.
        Assert.InRange(badKeyCalls, 1, 8);
        Assert.Equal(200 + badKeyCalls, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task Streaming_FirstKey429_RetriedBeforeFirstByte()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","KeyStrategy":"round-robin","Keys":["sk-mock-status-429","sk-good"]}
            """, "\"mock\""));

        for (var i = 0; i < 4; i++)
        {
            using var request = Chat(stream: true);
            using var response = await env.Proxy.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("error", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AllKeys429_ClientGets429WithSoonestRetryAfter()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-mock-status-429-a","sk-mock-status-429-b"]}
            """, "\"mock\""));

        using var request = Chat(headers: (MockHeaders.RetryAfter, "20"));
        using var response = await env.Proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(response.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 19, 20);
        Assert.True(long.Parse(response.Headers.GetValues("retry-after-ms").Single(), System.Globalization.CultureInfo.InvariantCulture) > 18_000);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_exceeded", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, env.Upstream.RequestCount);

        // While both keys cool down, nothing is sent upstream at all.
        using var again = Chat();
        using var second = await env.Proxy.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(2, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task SingleKey429_UpstreamAnswerPassesThroughUntouched()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-mock-status-429"]}
            """, "\"mock\""));

        using var request = Chat(headers: (MockHeaders.RetryAfter, "3"));
        using var response = await env.Proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("retry-after").Single());
        Assert.Equal(env.Upstream.Requests[0].RequestId, response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task ProviderDown_ServedByNextProvider()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "dead":{"Type":"openai-compatible","BaseUrl":"http://127.0.0.1:1/v1","Keys":["sk-dead"]},
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-good"]}
            """, "\"dead\",\"mock\""));

        for (var i = 0; i < 3; i++)
        {
            using var request = Chat(stream: i == 1);
            using var response = await env.Proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(3, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task ProviderAnswers503_FallsBackToNextProvider()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "first":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-mock-status-503"]},
            "second":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-second"]}
            """, "\"first\",\"second\""));

        using var request = Chat();
        using var response = await env.Proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer sk-mock-status-503", "Bearer sk-second"], env.Upstream.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Key401_IsDisabled_AndReturnsAfterItsSecretFileChanges()
    {
        var dir = Directory.CreateTempSubdirectory("aiproxy-keys-").FullName;
        var badFile = Path.Combine(dir, "key-1");
        await File.WriteAllTextAsync(badFile, "sk-mock-status-401\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "key-2"), "sk-good\n");
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","KeyStrategy":"round-robin","Keys":["file:{{dir}}"]}
            """, "\"mock\""));

        for (var i = 0; i < 6; i++)
        {
            using var request = Chat();
            using var response = await env.Proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-mock-status-401"));

        await File.WriteAllTextAsync(badFile, "sk-rotated\n");
        await Wait.Until(async () =>
        {
            using var request = Chat();
            using var response = await env.Proxy.Client.SendAsync(request);
            return env.Upstream.Requests.Any(r => r.Authorization == "Bearer sk-rotated");
        }, "the rotated key to be used");
        Assert.DoesNotContain("sk-rotated", env.Proxy.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-good", env.Proxy.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuotaAware_KeyWithoutHeadroomIsKeptOut()
    {
        var options = new MockUpstreamOptions
        {
            Behavior = r => r.Authorization == "Bearer sk-low"
                ? new MockBehavior { Headers = new Dictionary<string, string> { ["x-ratelimit-remaining-requests"] = "0", ["x-ratelimit-reset-requests"] = "1m0s" } }
                : null,
        };
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "mock":{"Type":"openai-compatible","BaseUrl":"{{v1}}","KeyStrategy":"quota-aware","Keys":["sk-low","sk-high"]}
            """, "\"mock\""), options);

        for (var i = 0; i < 20; i++)
        {
            using var request = Chat();
            using var response = await env.Proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // sk-low may serve once (before its headers say it is empty); never again within the reset window.
        Assert.InRange(env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-low"), 0, 1);
    }

    [Fact]
    public async Task Weighted_SplitsWithinTenPercentOfWeights()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "heavy":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-heavy"],"Weight":3},
            "light":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-light"],"Weight":1}
            """, "\"heavy\",\"light\"", balance: "weighted"));

        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var request = Chat();
            using var response = await env.Proxy.Client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });

        var heavy = env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-heavy") / 1000.0;
        Assert.InRange(heavy, 0.75 * 0.9, 0.75 * 1.1);
    }

    [Fact]
    public async Task LeastLatency_PrefersTheProviderWithTheFasterFirstByte()
    {
        var options = new MockUpstreamOptions
        {
            Behavior = r => r.Authorization == "Bearer sk-slow" ? new MockBehavior { Delay = TimeSpan.FromMilliseconds(150) } : null,
        };
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(
            $$"""
            "slow":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-slow"]},
            "fast":{"Type":"openai-compatible","BaseUrl":"{{v1}}","Keys":["sk-fast"]}
            """, "\"slow\",\"fast\"", balance: "least-latency"), options);

        for (var i = 0; i < 20; i++)
        {
            using var request = Chat();
            using var response = await env.Proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Unmeasured providers are tried first; once both have a latency estimate, the fast one takes the traffic.
        Assert.InRange(env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-slow"), 1, 2);
    }
}
