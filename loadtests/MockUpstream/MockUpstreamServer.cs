using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.MockUpstream;

/// <summary>An OpenAI-compatible upstream on a real Kestrel socket (127.0.0.1, random port) for functional tests.</summary>
public sealed class MockUpstreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MockRequestLog _log;

    private MockUpstreamServer(WebApplication app, MockRequestLog log, MockUpstreamOptions options, Uri baseUrl)
    {
        _app = app;
        _log = log;
        Options = options;
        BaseUrl = baseUrl;
        V1 = new Uri(baseUrl, "v1");
    }

    /// <summary>Root address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>OpenAI base address, <see cref="BaseUrl"/> + <c>v1</c> (no trailing slash, as SDKs and configs expect).</summary>
    public Uri V1 { get; }

    /// <summary>The options the server runs with; defaults may be changed between requests.</summary>
    public MockUpstreamOptions Options { get; }

    /// <summary>Snapshot of every recorded request, in arrival order.</summary>
    public IReadOnlyList<MockRequest> Requests => _log.Snapshot();

    /// <summary>Number of requests received since start or the last <see cref="Reset"/>.</summary>
    public int RequestCount => _log.Count;

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public static async Task<MockUpstreamServer> StartAsync(MockUpstreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MockUpstreamOptions();
        var log = new MockRequestLog();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MockUpstreamServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.ConfigureKestrel(static k => k.Listen(IPAddress.Loopback, 0));
        var app = MockUpstreamApp.Build(builder, options, log);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new MockUpstreamServer(app, log, options, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Clears the request log and restarts numbering at 0.</summary>
    public void Reset() => _log.Reset();

    /// <summary>Waits for the request with 0-based <paramref name="index"/> to arrive; throws <see cref="TimeoutException"/> otherwise.</summary>
    public Task<MockRequest> WaitForRequestAsync(int index, TimeSpan timeout) => _log.WaitForRequestAsync(index, timeout);

    /// <summary>Waits until request <paramref name="index"/> arrived and then was aborted by the client; <see langword="false"/> on timeout.</summary>
    public async Task<bool> WaitForAbortAsync(int index, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        MockRequest request;
        try
        {
            request = await _log.WaitForRequestAsync(index, timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        var left = deadline - DateTime.UtcNow;
        return await request.WaitForAbortAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero).ConfigureAwait(false);
    }

    /// <summary>Stops the server (in-flight requests are cancelled after a short grace period).</summary>
    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(cts.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
