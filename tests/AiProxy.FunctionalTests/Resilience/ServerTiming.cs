using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.FunctionalTests.Resilience;

/// <summary>
/// Test-only: a middleware in front of the proxy's whole pipeline that records, for every 503, the time from the
/// request's arrival (headers parsed by Kestrel) to the start of its response: the part of a refusal the proxy controls.
/// </summary>
internal sealed class ServerTiming
{
    private readonly ConcurrentQueue<TimeSpan> _refusals = new();

    /// <summary>Adds the middleware to a proxy being built (pass to <c>ProxyServer.StartAsync</c>).</summary>
    public void Install(WebApplicationBuilder builder) => builder.Services.AddSingleton<IStartupFilter>(new Filter(this));

    public TimeSpan[] Refusals() => [.. _refusals];

    public void Clear() => _refusals.Clear();

    private sealed class Filter(ServerTiming timing) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var started = Stopwatch.GetTimestamp();
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
                    {
                        timing._refusals.Enqueue(Stopwatch.GetElapsedTime(started));
                    }
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
