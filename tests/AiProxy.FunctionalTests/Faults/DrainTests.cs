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
        var events = await TerminateAndReadToTheEndAsync(proxy, stream);

        Assert.StartsWith("data: {\"error\":", events[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_PassThroughStreamLongerThanTheDrain_EndsWithErrorEventNotDone_ExitsZero()
    {
        // Provider BaseUrl without /v1: the pass-through path /v1/v1/chat/completions (no AiProxy operation) reaches the
        // mock's chat endpoint, so a real OpenAI stream flows through the catch-all route unobserved.
        await using var proxy = await ProxyProcess.StartAsync(FaultClient.Config(_upstream.BaseUrl, ""","DrainTimeout":"3s" """));
        using var client = new HttpClient { BaseAddress = proxy.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var request = FaultClient.Chat(stream: true, (MockHeaders.Chunks, "200"), (MockHeaders.ChunkDelayMs, "200"));
        request.RequestUri = new Uri("v1/v1/chat/completions", UriKind.Relative);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var events = await TerminateAndReadToTheEndAsync(proxy, stream);

        Assert.All(events[..^1], e => Assert.StartsWith("data: {\"id\"", e, StringComparison.Ordinal));
        Assert.StartsWith("data: {\"error\":", events[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads a stream's first event, sends SIGTERM and reads the rest: the stream must end with the drain's
    /// <c>server_shutting_down</c> event near the drain's end (3 s, well before the 40 s the upstream would take), never
    /// with <c>[DONE]</c>, and the process must exit 0. Returns the events.
    /// </summary>
    private static async Task<string[]> TerminateAndReadToTheEndAsync(ProxyProcess proxy, Stream stream)
    {
        var first = await ReadFirstEventAsync(stream);

        var stopwatch = Stopwatch.StartNew();
        proxy.Terminate();
        using var reader = new StreamReader(stream);
        var body = first + await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var streamEnded = stopwatch.Elapsed;
        await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length > 3, $"only {events.Length} events");
        Assert.Contains("server_shutting_down", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        Assert.Equal(0, proxy.ExitCode);
        Assert.True(streamEnded > TimeSpan.FromSeconds(1.5) && streamEnded < TimeSpan.FromSeconds(10), $"stream ended after {streamEnded}");
        return events;
    }

    [Fact]
    public async Task Sigterm_PassThroughPlainBodyLongerThanTheDrain_IsCutNotCompleted_UpstreamCancelled_ExitsZero()
    {
        await using var slow = await SlowBodyUpstream.StartAsync(chunks: 400, interval: TimeSpan.FromMilliseconds(100));
        await using var proxy = await ProxyProcess.StartAsync(FaultClient.Config(slow.BaseUrl, ""","DrainTimeout":"3s" """));
        using var client = new HttpClient { BaseAddress = proxy.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync("v1/files/file-abc/content", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        Assert.True(await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15)) > 0);

        var stopwatch = Stopwatch.StartNew();
        proxy.Terminate();
        var received = 0L;
        Exception? cut = null;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20))) > 0)
            {
                received += n;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            cut = e;
        }
        var bodyEnded = stopwatch.Elapsed;
        await slow.Aborted.WaitAsync(TimeSpan.FromSeconds(20));
        await proxy.WaitForExitAsync(TimeSpan.FromSeconds(20));

        // A cut the client can tell from a complete body (the 40 s body would otherwise look finished), near the drain's end.
        Assert.NotNull(cut);
        Assert.True(received < 400 * "chunk 399\n".Length, $"received {received} bytes");
        Assert.Equal(0, proxy.ExitCode);
        Assert.True(bodyEnded > TimeSpan.FromSeconds(1.5) && bodyEnded < TimeSpan.FromSeconds(10), $"body ended after {bodyEnded}");
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
