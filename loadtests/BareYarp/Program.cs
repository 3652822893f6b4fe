using Yarp.ReverseProxy.Configuration;

// Baseline for the throughput target: plain YARP pass-through, nothing else.
// dotnet run -c Release --project loadtests/BareYarp -- --urls http://127.0.0.1:8081 --upstream http://127.0.0.1:9000
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// YARP registers DataProtection (for session affinity, unused here); its ephemeral-key warning is noise.
builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
builder.WebHost.ConfigureKestrel(static k => k.AddServerHeader = false);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8081");
}

var upstream = builder.Configuration["upstream"] ?? "http://127.0.0.1:9000";
if (!Uri.TryCreate(upstream, UriKind.Absolute, out _))
{
    Console.Error.WriteLine($"bare-yarp: --upstream '{upstream}' is not an absolute URL.");
    return 2;
}

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = upstream } } }]);

var app = builder.Build();
app.MapReverseProxy();
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"bare-yarp listening on {string.Join(", ", app.Urls)} -> {upstream}"));
app.Run();
return 0;
