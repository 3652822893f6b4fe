using System.Net;
using System.Text;
using System.Text.Json;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.FunctionalTests.Budgets;

/// <summary>Priority classes on a provider whose keys run short: low yields to critical; reserved keys serve critical only.</summary>
public sealed class PriorityTests
{
    private const string LowKey = "sk-client-low-0001";
    private const string CriticalKey = "sk-client-critical-0002";
    private const string NormalKey = "sk-client-normal-0003";

    private static HttpRequestMessage Chat(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", key);
        return request;
    }

    private static async Task<ProxyTestEnvironment> StartAsync(string providerExtras, FakeTimeProvider clock)
    {
        var upstream = await MockUpstreamServer.StartAsync();
        var proxy = await ProxyServer.StartAsync($$$"""
            {"AiProxy":{
              "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{upstream.V1}}}",{{{providerExtras}}}}},
              "Routes":[{"Models":["gpt-*"],"Providers":["mock"]}],
              "Cache":{"Mode":"off"},
              "Clients":{
                "batch":{"Keys":["{{{LowKey}}}"],"Priority":"low"},
                "web":{"Keys":["{{{NormalKey}}}"]},
                "checkout":{"Keys":["{{{CriticalKey}}}"],"Priority":"critical"}
              }
            }}
            """, b => b.Services.AddSingleton<TimeProvider>(clock));
        return ProxyTestEnvironment.Wrap(upstream, proxy);
    }

    [Fact]
    public async Task KeysAllowing20PerMinute_LowFloods_CriticalSends10_EveryCriticalRequestSucceeds_LowIsShedWithRetryAfter()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await using var env = await StartAsync("""
            "Keys":["sk-upstream-shared"],"Limits":{"RequestsPerMinute":20},"CriticalReserve":0.5
            """, clock);

        // Within one minute (the fake clock does not move): low floods, critical sends one request for every four of low's.
        var low = new List<HttpResponseMessage>();
        var critical = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            low.Add(await env.Proxy.Client.SendAsync(Chat(LowKey)));
            if (i % 4 == 3) critical.Add((await env.Proxy.Client.SendAsync(Chat(CriticalKey))).StatusCode);
        }

        Assert.Equal(10, critical.Count);
        Assert.All(critical, s => Assert.Equal(HttpStatusCode.OK, s));
        var lowServed = low.Count(r => r.StatusCode == HttpStatusCode.OK);
        var shed = low.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        // Low yields once the key is down to the reserve plus half the rest (75% headroom): four of low's, then one of
        // critical's, use 5 of the 20; the other 15 stay for critical.
        Assert.Equal(4, lowServed);
        Assert.Equal(36, shed.Count);
        Assert.All(shed, r => Assert.True(int.Parse(r.Headers.GetValues("retry-after").Single()) is > 0 and <= 60));
        using var error = JsonDocument.Parse(await shed[0].Content.ReadAsStringAsync());
        Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("priority low", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(14, env.Upstream.RequestCount);

        // A minute later the key's window resets and low is served again.
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await env.Proxy.Client.SendAsync(Chat(LowKey))).StatusCode);
    }

    [Fact]
    public async Task ReservedForCritical_KeyIsNeverLeasedToOtherClasses_AndServesCriticalWhenTheSharedKeyIsSpent()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await using var env = await StartAsync("""
            "Keys":["sk-upstream-shared"],"ReservedKeys":[{"Key":"sk-upstream-critical","ReservedFor":"critical"}],"Limits":{"RequestsPerMinute":5}
            """, clock);

        var others = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            others.Add((await env.Proxy.Client.SendAsync(Chat(i % 2 == 0 ? LowKey : NormalKey))).StatusCode);
        }
        var critical = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            critical.Add((await env.Proxy.Client.SendAsync(Chat(CriticalKey))).StatusCode);
        }

        // The shared key takes 5 a minute; low and normal get those 5 and then 429, never the reserved key.
        Assert.Equal(5, others.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, others.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(critical, s => Assert.Equal(HttpStatusCode.OK, s));
        var auth = env.Upstream.Requests.Select(r => r.Authorization).ToList();
        Assert.Equal(Enumerable.Repeat("Bearer sk-upstream-shared", 5), auth.Take(5));
        Assert.Equal(Enumerable.Repeat("Bearer sk-upstream-critical", 4), auth.Skip(5));
    }
}
