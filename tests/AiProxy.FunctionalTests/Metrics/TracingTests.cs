using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiProxy.FunctionalTests.Metrics;

/// <summary>Spans for cache lookups and upstream attempts (gen_ai attributes), and their OTLP export.</summary>
public sealed class TracingTests
{
    private static string Config(Uri v1, string keys = "\"sk-trace\"") => $$$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{{v1}}}}","KeyStrategy":"round-robin","Keys":[{{{{keys}}}}]}},
          "Routes":[{"Name":"traced","Models":["gpt-*"],"Providers":["mock"]}]
        }}
        """;

    private static HttpRequestMessage Chat(string model) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = new StringContent($"{{\"model\":\"{model}\",\"seed\":7,\"messages\":[{{\"role\":\"user\",\"content\":\"12345678\"}}]}}", Encoding.UTF8, "application/json"),
    };

    private static (ActivityListener Listener, ConcurrentQueue<Activity> Stopped) Listen()
    {
        var stopped = new ConcurrentQueue<Activity>();
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "AiProxy",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return (listener, stopped);
    }

    [Fact]
    public async Task Request_EmitsCacheLookupAndAttemptSpansWithGenAiAttributes()
    {
        var model = "gpt-trace-" + Guid.NewGuid().ToString("N")[..8];
        var (listener, stopped) = Listen();
        using var _ = listener;
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1));

        using var response = await env.Proxy.Client.SendAsync(Chat(model));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var attempt = await WaitFor(stopped, a => a.DisplayName == "chat " + model);
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        Assert.Equal("chat", attempt.GetTagItem("gen_ai.operation.name"));
        Assert.Equal(model, attempt.GetTagItem("gen_ai.request.model"));
        Assert.Equal("openai", attempt.GetTagItem("gen_ai.system"));
        Assert.Equal(2L, attempt.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(5L, attempt.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(200, attempt.GetTagItem("http.response.status_code"));
        Assert.Equal("mock", attempt.GetTagItem("aiproxy.provider"));
        var lookup = await WaitFor(stopped, a => a.DisplayName == "cache lookup" && (string?)a.GetTagItem("aiproxy.route") == "traced");
        Assert.Equal("miss", lookup.GetTagItem("aiproxy.cache.result"));
    }

    [Fact]
    public async Task RetriedRequest_HasOneSpanPerAttempt()
    {
        var model = "gpt-retry-" + Guid.NewGuid().ToString("N")[..8];
        var (listener, stopped) = Listen();
        using var _ = listener;
        await using var env = await ProxyTestEnvironment.StartAsync(v1 => Config(v1, "\"sk-mock-status-429\",\"sk-good\""));

        using var response = await env.Proxy.Client.SendAsync(Chat(model));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await WaitFor(stopped, a => a.DisplayName == "chat " + model && (int?)a.GetTagItem("aiproxy.attempt") == 2);
        var attempts = stopped.Where(a => a.DisplayName == "chat " + model).OrderBy(a => (int?)a.GetTagItem("aiproxy.attempt")).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("rate_limited", attempts[0].GetTagItem("aiproxy.outcome"));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal("ok", attempts[1].GetTagItem("aiproxy.outcome"));
    }

    [Fact]
    public async Task OtlpEndpointConfigured_SpansAreExported()
    {
        var received = new ConcurrentQueue<(string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpContext ctx) =>
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            received.Enqueue((ctx.Request.ContentType, ms.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();
        var collectorUrl = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var upstream = await AiProxy.MockUpstream.MockUpstreamServer.StartAsync();
        await using (upstream)
        {
            var proxy = await ProxyServer.StartAsync(Config(upstream.V1), null, "--OTEL_EXPORTER_OTLP_ENDPOINT", collectorUrl, "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            using (var response = await proxy.Client.SendAsync(Chat("gpt-4o")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            // Shutting down flushes the batch exporter.
            await proxy.DisposeAsync();
        }

        Assert.NotEmpty(received);
        var (contentType, body) = received.First();
        Assert.Equal("application/x-protobuf", contentType);
        var text = Encoding.UTF8.GetString(received.SelectMany(r => r.Body).ToArray());
        Assert.Contains("gen_ai.request.model", text, StringComparison.Ordinal);
        Assert.Contains("AiProxy", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-trace", text, StringComparison.Ordinal);
    }

    private static async Task<Activity> WaitFor(ConcurrentQueue<Activity> stopped, Func<Activity, bool> match)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = stopped.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("span not found; saw: " + string.Join(", ", stopped.Select(a => a.DisplayName)));
    }
}
