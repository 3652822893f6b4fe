using System.Net;
using AiProxy.FunctionalTests.Infrastructure;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>Config that shapes the host: a raw YARP ReverseProxy section, and metrics switched off.</summary>
public sealed class HostOptionsTests
{
    [Fact]
    public async Task RawReverseProxySection_RoutesAlongsideAiProxy()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 =>
            "{\"AiProxy\":{\"Providers\":{\"mock\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1 + "\",\"Keys\":[\"sk-x\"]}},"
            + "\"Routes\":[{\"Models\":[\"*\"],\"Providers\":[\"mock\"]}]},"
            + "\"ReverseProxy\":{\"Routes\":{\"raw\":{\"ClusterId\":\"raw\",\"Match\":{\"Path\":\"/raw/{**rest}\"},\"Transforms\":[{\"PathRemovePrefix\":\"/raw\"}]}},"
            + "\"Clusters\":{\"raw\":{\"Destinations\":{\"d1\":{\"Address\":\"" + v1.GetLeftPart(UriPartial.Authority) + "\"}}}}}}");

        var response = await env.Proxy.Client.GetAsync("raw/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = Assert.Single(env.Upstream.Requests);
        Assert.Equal("/v1/models", upstream.Path);
        // Plain YARP: no AiProxy key injection on raw routes.
        Assert.Null(upstream.Authorization);
    }

    [Fact]
    public async Task MetricsDisabled_NoMetricsEndpoint_ProxyStillWorks()
    {
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => $$$$$"""
            {"AiProxy":{"Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{{{v1}}}}}","Keys":["sk-x"]}},"Routes":[{"Models":["*"],"Providers":["mock"]}],
             "Metrics":{"Enabled":false}}}
            """);

        var metrics = await env.Proxy.Client.GetAsync("metrics");
        var chat = await env.Proxy.Client.PostAsync("v1/chat/completions", new StringContent("{\"model\":\"gpt-4o\",\"messages\":[]}", System.Text.Encoding.UTF8, "application/json"));

        Assert.NotEqual(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }
}
