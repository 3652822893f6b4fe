using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>Requests and configs shared by the fault tests.</summary>
internal static class FaultClient
{
    /// <summary>One mock provider behind a catch-all route, cache off, plus <paramref name="extra"/> settings.</summary>
    public static string Config(Uri upstreamV1, string extra = "") => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{upstreamV1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
          "Routes":[{"Models":["*"],"Providers":["mock"]}],
          "Cache":{"Mode":"off"}{{{extra}}}
        }}
        """;

    public static HttpRequestMessage Chat(bool stream = false, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"gpt-4o","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    }

    /// <summary>A mock whose first <paramref name="failing"/> answers follow <paramref name="fault"/>, the rest normal.</summary>
    public static MockUpstreamOptions FailFirst(int failing, MockBehavior fault)
    {
        var calls = 0;
        return new MockUpstreamOptions { Behavior = _ => Interlocked.Increment(ref calls) <= failing ? fault : null };
    }

    /// <summary>A normal request through the proxy succeeds (the proxy recovered).</summary>
    public static async Task AssertServesNormallyAsync(ProxyServer proxy)
    {
        using var request = Chat();
        using var response = await proxy.Client.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"choices\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
