using System.Net;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>Key errors are not request errors: what a 401, a 403 and a billing 429 do to the key and to the client.</summary>
public sealed class KeyErrorTests
{
    private const string RegionBody = """{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}""";
    private const string RevokedBody = """{"error":{"message":"This API key has been revoked.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";
    private const string QuotaBody = """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""";

    private static MockUpstreamOptions Answering(string badKey, int status, string body, string? retryAfter = null) => new()
    {
        Behavior = r => r.Authorization == "Bearer " + badKey
            ? new MockBehavior
            {
                StatusCode = status,
                Body = Encoding.UTF8.GetBytes(body),
                Headers = retryAfter is null ? null : new Dictionary<string, string> { ["retry-after"] = retryAfter },
            }
            : null,
    };

    private static Func<Uri, string> TwoKeys(string badKey) => v1 =>
        "{\"AiProxy\":{\"Providers\":{\"mock\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1 + "\",\"KeyStrategy\":\"round-robin\",\"Keys\":[\""
        + badKey + "\",\"sk-good\"]}},\"Routes\":[{\"Models\":[\"*\"],\"Providers\":[\"mock\"]}],\"Retry\":{\"BaseDelay\":\"10ms\"}}}";

    private static async Task<(HttpStatusCode Status, string Body)> ChatAsync(ProxyTestEnvironment env)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        using var response = await env.Proxy.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> MetricsAsync(ProxyTestEnvironment env) => await env.Proxy.Client.GetStringAsync("metrics");

    [Fact]
    public async Task Forbidden403AboutTheRegion_GoesToTheClientUnchanged_KeyStaysInPool()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(TwoKeys("sk-region"), Answering("sk-region", 403, RegionBody));

        var answers = new List<(HttpStatusCode Status, string Body)>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await ChatAsync(env));
        }

        // Round robin: the 403 key keeps its turn (not disabled) and its 403 is not retried on the other key.
        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK], answers.Select(a => a.Status));
        Assert.Equal(RegionBody, answers[0].Body);
        Assert.Equal(4, env.Upstream.RequestCount);
        Assert.Equal(2, env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-region"));
        var metrics = await MetricsAsync(env);
        Assert.Contains("outcome=\"forbidden\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("state=\"disabled\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRevoked403_DisablesTheKey_AndTheRequestIsRetriedOnAnother()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(TwoKeys("sk-revoked"), Answering("sk-revoked", 403, RevokedBody));

        for (var i = 0; i < 6; i++)
        {
            var (status, _) = await ChatAsync(env);
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(1, env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-revoked"));
        var metrics = await MetricsAsync(env);
        Assert.Contains("outcome=\"unauthorized\"", metrics, StringComparison.Ordinal);
        Assert.Contains("state=\"disabled\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InsufficientQuota429_TakesTheKeyOutLongPastItsRetryAfter()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(TwoKeys("sk-broke"), Answering("sk-broke", 429, QuotaBody, retryAfter: "1"));

        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(env)).Status);
        // Well past the retry-after of 1 s, a throughput 429's cooldown would have ended; the billing one has not.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2.5);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(env)).Status);
        }

        Assert.Equal(1, env.Upstream.Requests.Count(r => r.Authorization == "Bearer sk-broke"));
        var metrics = await MetricsAsync(env);
        Assert.Contains("outcome=\"quota_exhausted\"", metrics, StringComparison.Ordinal);
        Assert.Contains("state=\"cooldown\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SingleKey_LargeForbiddenBody_ReachesTheClientWhole()
    {
        var body = """{"error":{"message":"Your organization must be verified to use the model.","type":"invalid_request_error","param":null,"code":"model_not_found","detail":" """
            + new string('x', 20_000) + "\"}}";
        await using var env = await ProxyTestEnvironment.StartAsync(
            v1 => $$$"""{"AiProxy":{"Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{v1}}}","Keys":["sk-only"]}},"Routes":[{"Models":["*"],"Providers":["mock"]}]}}""",
            Answering("sk-only", 403, body));

        var first = await ChatAsync(env);
        var second = await ChatAsync(env);

        Assert.Equal(HttpStatusCode.Forbidden, first.Status);
        Assert.Equal(body, first.Body);
        Assert.Equal(HttpStatusCode.Forbidden, second.Status);
        Assert.Equal(2, env.Upstream.RequestCount);
    }
}
