using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>
/// An upstream whose every answer is a plain (non-SSE) body sent slowly, one chunk every <c>interval</c>, for the
/// pass-through cases the mock does not cover (a long download through <c>/v1/files/…/content</c>, say).
/// </summary>
internal sealed class SlowBodyUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SlowBodyUpstream(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Completes when a request's connection was closed by the proxy before its body was done.</summary>
    public Task Aborted => _aborted.Task;

    public static async Task<SlowBodyUpstream> StartAsync(int chunks, TimeSpan interval)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var upstream = new SlowBodyUpstream(app);
        app.Run(async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            try
            {
                for (var i = 0; i < chunks; i++)
                {
                    await context.Response.WriteAsync($"chunk {i}\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(interval, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                upstream._aborted.TrySetResult();
            }
        });
        await app.StartAsync();
        upstream.BaseUrl = new Uri(app.Urls.First() + "/");
        return upstream;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
