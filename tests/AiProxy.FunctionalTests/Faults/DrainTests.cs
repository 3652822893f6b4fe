using System.Diagnostics;
using System.Net;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>SIGTERM against the real proxy process: streams finish within DrainTimeout, or end with an error event at its end; exit 0.</summary>
public sealed class DrainTests : IAsyncLifetime
{
    private MockUpstreamServer _upstream = null!;

    public async Task InitializeAsync() => _upstream = await MockUpstreamServer.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private static async Task<string> ReadFirstEventAsync(Stream stream)
    {
        var buffer = new byte[4096];
        var text = "";
        while (!text.Contains("\n\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(n > 0, "stream ended before its first event");
            text += System.Text.Encoding.UTF8.GetString(buffer, 0, n);
        }
        return text;
    }

    [Fact]
    public async Task Sigterm_StreamShorterThanTheDrain_FinishesWithDone_ReadinessDown_ExitsZero()
    {
        await using var proxy = await ProxyProcess.StartAsync(FaultClient.Config(_upstream.V1, ""","DrainTimeout":"15s" """));
        using var client = new HttpClient { BaseAddress = proxy.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
        using var response = await client.SendAsync(
            FaultClient.Chat(stream: true, (MockHeaders.Chunks, "10"), (MockHeaders.ChunkDelayMs, "300")), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var first = await ReadFirstEventAsync(stream);

        var stopwatch = Stopwatch.StartNew();
        proxy.Terminate();
        // The signal is handled asynchronously: readiness must drop soon after, while the stream is still running.
        HttpStatusCode? ready = HttpStatusCode.OK;
        for (var i = 0; i < 50 && ready == HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
            ready = await ReadinessAsync(proxy.BaseUrl);
        }
        using var reader = new StreamReader(stream);
        var body = first + await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.NotEqual(HttpStatusCode.OK, ready);
        Assert.EndsWith("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Equal(0, proxy.ExitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"exit took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Sigterm_StreamLongerThanTheDrain_EndsWithErrorEventNotDone_ExitsZeroWithinTheDrain()
    {
        await using var proxy = await ProxyProcess.StartAsync(FaultClient.Config(_upstream.V1, ""","DrainTimeout":"3s" """));
        using var client = new HttpClient { BaseAddress = proxy.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.SendAsync(
            FaultClient.Chat(stream: true, (MockHeaders.Chunks, "200"), (MockHeaders.ChunkDelayMs, "200")), HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var first = await ReadFirstEventAsync(stream);

        var stopwatch = Stopwatch.StartNew();
        proxy.Terminate();
        using var reader = new StreamReader(stream);
        var body = first + await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var streamEnded = stopwatch.Elapsed;
        await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length > 3, $"only {events.Length} events");
        Assert.StartsWith("data: {\"error\":", events[^1], StringComparison.Ordinal);
        Assert.Contains("server_shutting_down", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Equal(0, proxy.ExitCode);
        // Ended near the drain's end (3 s), well before the 40 s the upstream would have taken.
        Assert.True(streamEnded > TimeSpan.FromSeconds(1.5) && streamEnded < TimeSpan.FromSeconds(10), $"stream ended after {streamEnded}");
    }

    /// <summary>Readiness as a new client sees it while draining: 503, or no answer at all once the listener is closed.</summary>
    private static async Task<HttpStatusCode?> ReadinessAsync(Uri baseUrl)
    {
        using var probe = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await probe.GetAsync("readyz")).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
