using System.Net;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>
/// A raw YARP <c>ReverseProxy</c> cluster keeps YARP's own steps: AiProxy skips load balancing, affinity and passive
/// health checks only for clusters that use none of them (its provider clusters), so a user's cluster with several
/// destinations is still balanced by its policy.
/// </summary>
public sealed class RawReverseProxyTests
{
    [Fact]
    public async Task RawCluster_WithTwoDestinations_IsBalancedByItsPolicy()
    {
        await using var first = await MockUpstreamServer.StartAsync();
        await using var second = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync($$"""
            {
              "AiProxy": {
                "Providers": { "mock": { "Type": "openai-compatible", "BaseUrl": "{{first.V1}}", "Keys": [ "sk-upstream" ] } },
                "Routes": [ { "Models": [ "*" ], "Providers": [ "mock" ] } ]
              },
              "ReverseProxy": {
                "Routes": { "raw": { "ClusterId": "pair", "Match": { "Path": "/raw/{**rest}" }, "Transforms": [ { "PathRemovePrefix": "/raw" } ] } },
                "Clusters": {
                  "pair": {
                    "LoadBalancingPolicy": "RoundRobin",
                    "Destinations": { "a": { "Address": "{{first.BaseUrl}}" }, "b": { "Address": "{{second.BaseUrl}}" } }
                  }
                }
              }
            }
            """);

        for (var i = 0; i < 6; i++)
        {
            using var content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
            using var response = await proxy.Client.PostAsync("raw/v1/chat/completions", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Round robin over two destinations: three each. Without YARP's load balancing step the forwarder would pick
        // at random (and log a warning for every request).
        Assert.Equal(3, first.RequestCount);
        Assert.Equal(3, second.RequestCount);
        Assert.DoesNotContain("More than one destination available", proxy.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderCluster_StillForwards_WithoutYarpBalancingSteps()
    {
        await using var upstream = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync($$"""
            {"AiProxy":{"Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{upstream.V1}}","Keys":["sk-upstream"] } },
             "Routes":[{"Models":["*"],"Providers":["mock"]}] } }
            """);

        using var content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
        using var response = await proxy.Client.PostAsync("v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, upstream.RequestCount);
    }
}
