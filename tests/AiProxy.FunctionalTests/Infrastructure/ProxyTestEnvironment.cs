using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Infrastructure;

/// <summary>A mock upstream plus an AiProxy routed to it; the usual arrangement of a functional test.</summary>
public sealed class ProxyTestEnvironment : IAsyncDisposable
{
    public const string UpstreamKey = "sk-upstream-secret-0001";
    public const string ClientKey = "sk-client-secret-0002";

    private ProxyTestEnvironment(MockUpstreamServer upstream, ProxyServer proxy)
    {
        Upstream = upstream;
        Proxy = proxy;
    }

    public MockUpstreamServer Upstream { get; }

    public ProxyServer Proxy { get; }

    /// <summary>Starts a mock and a proxy whose config comes from <paramref name="configFor"/> (given the mock's /v1 URL).</summary>
    public static async Task<ProxyTestEnvironment> StartAsync(Func<Uri, string>? configFor = null, MockUpstreamOptions? mockOptions = null)
    {
        var upstream = await MockUpstreamServer.StartAsync(mockOptions);
        try
        {
            var proxy = await ProxyServer.StartAsync((configFor ?? DefaultConfig)(upstream.V1));
            return new ProxyTestEnvironment(upstream, proxy);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Pairs an upstream and a proxy started by the caller (e.g. with extra services).</summary>
    public static ProxyTestEnvironment Wrap(MockUpstreamServer upstream, ProxyServer proxy) => new(upstream, proxy);

    public static string DefaultConfig(Uri upstreamV1) => $$$"""
        {"AiProxy":{
          "Providers":{
            "mock":{"Type":"openai-compatible","BaseUrl":"{{{upstreamV1}}}","Keys":["{{{UpstreamKey}}}"]}
          },
          "Routes":[
            {"Name":"cheap","Models":["cheap"],"Providers":["mock"],"RewriteModel":"gpt-4o-mini"},
            {"Name":"gpt","Models":["gpt-*","text-embedding-*","mock-*"],"Providers":["mock"],"Default":true}
          ]
        }}
        """;

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
