using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AiProxy.MockUpstream;

/// <summary>Shared wiring of the mock for the standalone process and the in-process server.</summary>
internal static class MockUpstreamApp
{
    public static WebApplication Build(WebApplicationBuilder builder, MockUpstreamOptions options, MockRequestLog log)
    {
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.WebHost.ConfigureKestrel(static k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        var handler = new MockHandler(options, log);
        app.Run(handler.InvokeAsync);
        return app;
    }
}
