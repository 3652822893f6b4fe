using System.Net;
using System.Text;
using AiProxy.FunctionalTests.Faults;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>
/// A stream whose first event is an in-band error (OpenRouter sends its 429s, 402s and 401s as <c>data: {"error":…}</c>
/// under HTTP 200) does to the key exactly what the same HTTP answer would: cooldown, quota cooldown or disable.
/// </summary>
public sealed class InBandKeyErrorTests
{
    private const string Throttled = """{"error":{"code":429,"message":"Rate limit exceeded: limit_rpm/openai/gpt-4o."}}""";
    private const string Quota = """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}""";
    private const string Revoked = """{"error":{"code":401,"message":"User not found. sk-bad-echoed"}}""";

    private static MockUpstreamOptions FirstEvent(string badKey, string errorJson) => new()
    {
        Behavior = r => r.Authorization == "Bearer " + badKey
            ? new MockBehavior
            {
                Body = Encoding.UTF8.GetBytes(": OPENROUTER PROCESSING\n\ndata: " + errorJson + "\n\n"),
                ContentType = "text/event-stream",
                Headers = new Dictionary<string, string> { ["retry-after"] = "60" },
            }
            : null,
    };

    private static Func<Uri, string> Keys(params string[] keys) => v1 =>
        "{\"AiProxy\":{\"Providers\":{\"mock\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1 + "\",\"KeyStrategy\":\"round-robin\",\"Keys\":[\""
        + string.Join("\",\"", keys) + "\"]}},\"Routes\":[{\"Models\":[\"*\"],\"Providers\":[\"mock\"]}],\"Cache\":{\"Mode\":\"off\"},\"Retry\":{\"BaseDelay\":\"10ms\"}}}";

    private static async Task<(HttpStatusCode Status, string Body)> StreamAsync(ProxyTestEnvironment env)
    {
        using var request = FaultClient.Chat(stream: true);
        using var response = await env.Proxy.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(Throttled, "rate_limited", "cooldown")]
    [InlineData(Quota, "quota_exhausted", "cooldown")]
    [InlineData(Revoked, "unauthorized", "disabled")]
    public async Task InBandKeyErrorFirst_TwoKeys_RetriedOnTheOther_AndTheKeyIsTakenOut(string errorJson, string outcome, string state)
    {
        await using var env = await ProxyTestEnvironment.StartAsync(Keys("sk-bad", "sk-good"), FirstEvent("sk-bad", errorJson));

        for (var i = 0; i < 6; i++)
        {
            var (status, body) = await StreamAsync(env);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"error\"", body, StringComparison.Ordinal);
        }

        // Round robin would give the bad key every other request; taken out after its first answer, it got one.
        Assert.Equal(1, env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-bad"));
        var metrics = await env.Proxy.Client.GetStringAsync("metrics");
        Assert.Contains($"outcome=\"{outcome}\"", metrics, StringComparison.Ordinal);
        Assert.Contains($"state=\"{state}\"}} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InBand429_OnTheOnlyKey_ReachesTheClientAsSent_ThenTheKeyCoolsLikeAfterAnHttp429()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(Keys("sk-only"), FirstEvent("sk-only", Throttled));

        var first = await StreamAsync(env);
        var second = await StreamAsync(env);

        // Nowhere else to go: the upstream's own event passes through, as an HTTP 429 would.
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains("data: " + Throttled, first.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", first.Body, StringComparison.Ordinal);
        // The key cools for the upstream's retry-after: the next request gets the proxy's 429 without reaching the upstream.
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Contains("rate_limit_exceeded", second.Body, StringComparison.Ordinal);
        Assert.Equal(1, env.Upstream.RequestCount);
    }

    [Fact]
    public async Task InBand401_OnTheOnlyKey_ClientGetsTheProxysErrorEvent_NotTheUpstreamsEcho()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(Keys("sk-only"), FirstEvent("sk-only", Revoked));

        var (status, body) = await StreamAsync(env);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("data: {\"error\":", body, StringComparison.Ordinal);
        Assert.Contains("upstream_key_rejected", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-bad-echoed", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Contains("state=\"disabled\"} 1", await env.Proxy.Client.GetStringAsync("metrics"), StringComparison.Ordinal);
    }
}
