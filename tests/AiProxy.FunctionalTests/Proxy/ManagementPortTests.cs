using System.Net;
using System.Net.Sockets;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary><c>AiProxy:ManagementUrls</c>: /admin/* (and optionally /metrics) on a second listener, 404 on the main one.</summary>
public sealed class ManagementPortTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Config(Uri v1, string extra) =>
        "{\"AiProxy\":{\"Providers\":{\"mock\":{\"Type\":\"openai-compatible\",\"BaseUrl\":\"" + v1
        + "\",\"Keys\":[\"sk-upstream\"]}},\"Routes\":[{\"Models\":[\"*\"],\"Providers\":[\"mock\"]}]" + extra + "}}";

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task ManagementUrls_WithMetrics_SplitsTheSurfaceByPort()
    {
        var port = FreePort();
        await using var upstream = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync(Config(upstream.V1, $$""","ManagementUrls":"http://127.0.0.1:{{port}}","Metrics":{"OnManagementPort":true}"""));
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        // Main port: the proxy and health, no admin, no metrics.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy.Client, HttpMethod.Post, "v1/chat/completions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy.Client, HttpMethod.Get, "healthz"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(proxy.Client, HttpMethod.Get, "metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(proxy.Client, HttpMethod.Post, "admin/cache/purge"));

        // Management port: admin, metrics and health only.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, HttpMethod.Post, "admin/cache/purge"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, HttpMethod.Get, "readyz"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(management, HttpMethod.Post, "v1/chat/completions"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(management, HttpMethod.Get, "v1/models"));
        var metrics = await management.GetStringAsync("metrics");
        Assert.Contains("aiproxy_requests_total", metrics, StringComparison.Ordinal);
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task ManagementUrls_WithoutMetrics_KeepsMetricsOnTheMainPort()
    {
        var port = FreePort();
        await using var upstream = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync(Config(upstream.V1, $$""","ManagementUrls":"http://127.0.0.1:{{port}}" """));
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy.Client, HttpMethod.Get, "metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(management, HttpMethod.Get, "metrics"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(proxy.Client, HttpMethod.Post, "admin/cache/purge"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(management, HttpMethod.Post, "admin/cache/purge"));
    }

    [Fact]
    public async Task NoManagementUrls_EverythingStaysOnTheMainPort()
    {
        await using var upstream = await MockUpstreamServer.StartAsync();
        await using var proxy = await ProxyServer.StartAsync(Config(upstream.V1, string.Empty));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy.Client, HttpMethod.Get, "metrics"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(proxy.Client, HttpMethod.Post, "admin/cache/purge"));
    }
}
