using System.Collections.Concurrent;
using AiProxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiProxy.FunctionalTests.Infrastructure;

/// <summary>A real AiProxy (Kestrel on 127.0.0.1, port 0) started from a config file the test writes.</summary>
public sealed class ProxyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProxyServer(WebApplication app, string configPath, Uri baseUrl, CapturingLoggerProvider logs)
    {
        _app = app;
        ConfigPath = configPath;
        BaseUrl = baseUrl;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl { get; }

    /// <summary>Gets the OpenAI base URL clients use (<c>…/v1</c>).</summary>
    public Uri V1 => new(BaseUrl, "v1");

    public string ConfigPath { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Gets every log line the proxy wrote (for "no secret in logs" checks).</summary>
    public CapturingLoggerProvider Logs { get; }

    public static async Task<ProxyServer> StartAsync(string configJson, Action<WebApplicationBuilder>? configure = null, params string[] extraArgs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "aiproxy-ft", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var configPath = Path.Combine(dir, "aiproxy.json");
        await File.WriteAllTextAsync(configPath, configJson);

        var logs = new CapturingLoggerProvider();
        string[] args = ["--config", configPath, "--urls", "http://127.0.0.1:0", .. extraArgs];
        var app = AiProxyApplication.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyServer(app, configPath, new Uri(address.TrimEnd('/') + "/"), logs);
    }

    /// <summary>Stops the host as SIGTERM does (drain, then stop); DisposeAsync afterwards is still safe.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Rewrites the config file (hot reload picks it up).</summary>
    public Task WriteConfigAsync(string json) => File.WriteAllTextAsync(ConfigPath, json);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps every formatted log line and exception text in memory.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> kvs ? string.Join(",", kvs.Select(kv => $"{kv.Key}={kv.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {structured} {exception}");
        }
    }
}
