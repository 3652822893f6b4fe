using System.Diagnostics;
using System.Text;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;

namespace AiProxy.FunctionalTests.Proxy;

/// <summary>SSE passes through chunk by chunk; failures and disconnects behave as a client expects.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private ProxyTestEnvironment _env = null!;

    public async Task InitializeAsync() => _env = await ProxyTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _env.DisposeAsync();

    private static HttpRequestMessage StreamRequest(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    }

    /// <summary>Reads SSE events as they arrive, with the time each one was complete at the client.</summary>
    private static async Task<List<(string Event, DateTimeOffset At)>> ReadEventsAsync(HttpResponseMessage response, int? stopAfter = null)
    {
        var events = new List<(string, DateTimeOffset)>();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[8192];
        var pending = new StringBuilder();
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var text = pending.ToString();
            int idx;
            while ((idx = text.IndexOf("\n\n", StringComparison.Ordinal)) >= 0)
            {
                events.Add((text[..idx], DateTimeOffset.UtcNow));
                text = text[(idx + 2)..];
                if (events.Count == stopAfter)
                {
                    return events;
                }
            }
            pending.Clear().Append(text);
        }
        return events;
    }

    [Fact]
    public async Task Stream_ChunksArriveAsTheUpstreamWritesThem()
    {
        using var request = StreamRequest((MockHeaders.Chunks, "6"), (MockHeaders.ChunkDelayMs, "150"));

        using var response = await _env.Proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        var upstream = Assert.Single(_env.Upstream.Requests);
        // The proxy asked for the usage chunk (to count tokens) and drops it again: it is the one before [DONE].
        var written = upstream.ChunkTimes.Take(upstream.ChunkTimes.Count - 2).Append(upstream.ChunkTimes[^1]).ToList();
        Assert.Equal(written.Count, events.Count);
        Assert.DoesNotContain(events, e => e.Event.Contains("\"usage\":{", StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1].Event);
        // Not buffered: the client had the first chunk long before the upstream wrote its last one.
        Assert.True(events[0].At < written[^1], $"first chunk at {events[0].At:O}, last written at {written[^1]:O}");
        var lags = events.Select((e, i) => (e.At - written[i]).TotalMilliseconds).Order().ToList();
        var median = lags[lags.Count / 2];
        Assert.True(median < 100, $"median lag {median} ms; lags: {string.Join(", ", lags)}");
    }

    [Fact]
    public async Task Stream_UpstreamAbortsMidStream_ClientGetsErrorEventAndNoDone()
    {
        using var request = StreamRequest((MockHeaders.AbortAfterChunks, "3"));

        using var response = await _env.Proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(4, events.Count);
        Assert.All(events.Take(3), e => Assert.StartsWith("data: {\"id\"", e.Event, StringComparison.Ordinal));
        Assert.StartsWith("data: {\"error\":", events[3].Event, StringComparison.Ordinal);
        Assert.Contains("upstream_stream_error", events[3].Event, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Event.Contains("[DONE]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_UpstreamReportsErrorInBand_ClientGetsExactlyThatErrorEvent()
    {
        using var request = StreamRequest((MockHeaders.ErrorAfterChunks, "2"));

        using var response = await _env.Proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        Assert.DoesNotContain(events, e => e.Event.Contains("[DONE]", StringComparison.Ordinal));
        Assert.Single(events, e => e.Event.StartsWith("data: {\"error\"", StringComparison.Ordinal));
        Assert.StartsWith("data: {\"error\"", events[^1].Event, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_UpstreamRequestIsCancelled()
    {
        using var request = StreamRequest((MockHeaders.Chunks, "100"), (MockHeaders.ChunkDelayMs, "200"));
        var response = await _env.Proxy.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await ReadEventsAsync(response, stopAfter: 2);
        var started = Stopwatch.StartNew();

        response.Dispose();

        Assert.True(await _env.Upstream.WaitForAbortAsync(0, TimeSpan.FromSeconds(5)), "the upstream request was not aborted");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
        // The upstream stopped early: nowhere near the 100 chunks it would have written.
        Assert.True(_env.Upstream.Requests[0].ChunkTimes.Count < 30, $"{_env.Upstream.Requests[0].ChunkTimes.Count} chunks written");
    }

    [Fact]
    public async Task NonStreaming_ClientDisconnects_UpstreamRequestIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent("{\"model\":\"gpt-4o\",\"messages\":[]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(MockHeaders.DelayMs, "30000");
        var send = _env.Proxy.Client.SendAsync(request, cts.Token);
        await _env.Upstream.WaitForRequestAsync(0, TimeSpan.FromSeconds(5));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.True(await _env.Upstream.WaitForAbortAsync(0, TimeSpan.FromSeconds(5)), "the upstream request was not aborted");
    }
}
