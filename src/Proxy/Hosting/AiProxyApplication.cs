using AiProxy.Configuration;
using AiProxy.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiProxy.Hosting;

/// <summary>Builds the proxy's web application from command-line args (used by Program and by the functional tests).</summary>
public static class AiProxyApplication
{
    /// <summary>The address used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["urls"] = DefaultUrl,
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Yarp"] = "Warning",
        // One JSON line per request costs ~10 µs of CPU (about a third of the proxy's own cost): opt in with Information.
        ["Logging:LogLevel:AiProxy.Access"] = "Warning",
    };

    /// <summary>Reads and validates the config once, then builds the app; throws <see cref="InvalidConfigException"/> on a bad config.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Validate before building the host so a bad config fails fast with every error; the config store compiles
        // this same validated config once, with the host's clock and logging.
        var loader = new ConfigLoader(ConfigLoader.ResolvePath(args), args);
        var errors = loader.Load(out var initial);
        if (initial is null)
        {
            throw new InvalidConfigException(loader.Path, errors);
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Defaults });
        // Logging and Kestrel sections may live in the same file; the AiProxy section itself is watched by the config store.
        builder.Configuration.Sources.Insert(1, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = Path.GetFileName(loader.Path),
            FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(loader.Path)!),
            Optional = true,
            ReloadOnChange = false,
        });

        if (initial.Options.ManagementUrls is { Length: > 0 } management)
        {
            // The management listener is bound beside the main one; ManagementPortMiddleware tells them apart by local port.
            builder.WebHost.UseUrls($"{builder.Configuration["urls"]};{management}");
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Services.Configure<KestrelServerOptions>(o =>
        {
            // Model-routed bodies are bounded by AiProxy:MaxRequestBodyBytes; pass-through uploads (files) are not.
            o.Limits.MaxRequestBodySize = null;
            o.AddServerHeader = false;
        });

        builder.Services.AddAiProxy(loader.Path, args, initial);
        builder.Services.AddAiProxyTracing(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapAiProxy();
        return app;
    }
}
