using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AiProxy.MockUpstream;

/// <summary>Standalone mock: <c>dotnet run --project loadtests/MockUpstream -- --urls http://127.0.0.1:9000 [--chunks 5] [--chunk-delay-ms 0] [--delay-ms 0] [--fail-rate 0] [--content-bytes 0] [--record false]</c>.</summary>
internal static class Program
{
    private const string DefaultUrl = "http://127.0.0.1:9000";

    public static int Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var config = builder.Configuration;
        MockUpstreamOptions options;
        try
        {
            options = new MockUpstreamOptions
            {
                Chunks = Int(config, "chunks", 5),
                ChunkDelay = TimeSpan.FromMilliseconds(Int(config, "chunk-delay-ms", 0)),
                Delay = TimeSpan.FromMilliseconds(Int(config, "delay-ms", 0)),
                FailRate = double.Parse(config["fail-rate"] ?? "0", CultureInfo.InvariantCulture),
                ContentBytes = Int(config, "content-bytes", 0),
                // A long load test must not grow a log nobody reads.
                RecordRequests = bool.Parse(config["record"] ?? "false"),
                LogLevel = Enum.Parse<LogLevel>(config["log-level"] ?? "Warning", ignoreCase: true),
            };
            foreach (var key in (config["api-keys"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.ApiKeys.Add(key);
            }
            if (options.FailRate is < 0 or > 1) throw new FormatException("--fail-rate must be between 0 and 1.");
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"mock-upstream: {e.Message}");
            return 2;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"mock-upstream: {e.Message}");
            return 2;
        }

        if (string.IsNullOrEmpty(config["urls"]) && string.IsNullOrEmpty(config[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        var app = MockUpstreamApp.Build(builder, options, new MockRequestLog());
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine($"mock-upstream listening on {string.Join(", ", app.Urls)} (chunks={options.Chunks}, chunk-delay={options.ChunkDelay.TotalMilliseconds}ms, delay={options.Delay.TotalMilliseconds}ms, fail-rate={options.FailRate})"));
        app.Run();
        return 0;
    }

    private static int Int(IConfiguration config, string key, int fallback)
        => config[key] is { } s ? int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
}
