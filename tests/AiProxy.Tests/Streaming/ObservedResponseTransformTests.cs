using System.Net;
using System.Text;
using AiProxy.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Tests.Streaming;

public sealed class ObservedResponseTransformTests
{
    private sealed class StartLog : IUpstreamResponseObserver
    {
        public List<(int Status, string? ContentType, bool IsEventStream)> Starts { get; } = [];

        public void OnStarted(int statusCode, string? contentType, bool isEventStream) => Starts.Add((statusCode, contentType, isEventStream));

        public void OnData(ReadOnlySpan<byte> data)
        {
        }

        public void OnCompleted(bool success)
        {
        }
    }

    private static async Task<(string Body, HttpContext Context)> ApplyAsync(ObserverTestRequest? request, HttpStatusCode status, string mediaType, string body, bool expectDone = true)
    {
        var transform = new ObservedResponseTransform(_ => new ObservedRequest(request, expectDone), streamMetrics: null);
        var http = new DefaultHttpContext();
        http.Response.Headers.ContentLength = body.Length;
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        await transform.ApplyAsync(new ResponseTransformContext { HttpContext = http, ProxyResponse = response });
        return (await response.Content.ReadAsStringAsync(), http);
    }

    [Fact]
    public async Task ApplyAsync_EventStream_StartsObserversAndFramesTheBody()
    {
        var log = new StartLog();
        var request = new ObserverTestRequest { Observers = [log] };

        var (body, http) = await ApplyAsync(request, HttpStatusCode.OK, "text/event-stream", "data: {\"a\":1}\n\n");

        Assert.Equal([(200, "text/event-stream", true)], log.Starts);
        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"error\":", body, StringComparison.Ordinal); // no [DONE]: the error event
        Assert.Null(http.Response.Headers.ContentLength);
    }

    [Fact]
    public async Task ApplyAsync_Json_MetersUsage()
    {
        var request = new ObserverTestRequest();

        var (body, _) = await ApplyAsync(request, HttpStatusCode.OK, "application/json", "{\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}");

        Assert.Equal("{\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}", body);
        Assert.Equal(new TokenUsage(2, 1, 0, 3), request.Usage);
    }

    [Fact]
    public async Task ApplyAsync_ErrorStatus_StartsObserversButLeavesTheBody()
    {
        var log = new StartLog();
        var request = new ObserverTestRequest { Observers = [log] };

        var (body, http) = await ApplyAsync(request, HttpStatusCode.TooManyRequests, "application/json", "{\"usage\":{\"prompt_tokens\":2}}");

        Assert.Equal([(429, "application/json", false)], log.Starts);
        Assert.Null(request.Usage);
        Assert.Equal(body.Length, http.Response.Headers.ContentLength);
    }

    [Fact]
    public async Task ApplyAsync_RequestNotObserved_LeavesTheBody()
    {
        var (body, _) = await ApplyAsync(null, HttpStatusCode.OK, "text/event-stream", "data: x\n\n");

        Assert.Equal("data: x\n\n", body);
    }

    private sealed class AbortLog : IHttpRequestLifetimeFeature
    {
        public CancellationToken RequestAborted { get; set; }

        public bool Aborted { get; private set; }

        public void Abort() => Aborted = true;
    }

    [Fact]
    public async Task ApplyAsync_PassThroughStream_EndsWithTheShuttingDownEventWhenTheDrainEnds_NeverDone()
    {
        using var ending = new CancellationTokenSource();
        var transform = new ObservedResponseTransform(_ => new ObservedRequest(null, ExpectDone: false, PassThrough: true), streamMetrics: null, ending.Token);
        var http = new DefaultHttpContext();
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("data: {\"a\":1}\n\n", Encoding.UTF8, "text/event-stream") };
        await transform.ApplyAsync(new ResponseTransformContext { HttpContext = http, ProxyResponse = response });
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];

        var first = Encoding.UTF8.GetString(buffer, 0, await body.ReadAsync(buffer));
        await ending.CancelAsync();
        using var reader = new StreamReader(body);
        var rest = await reader.ReadToEndAsync();

        Assert.Equal("data: {\"a\":1}\n\n", first);
        Assert.StartsWith("data: {\"error\":", rest, StringComparison.Ordinal);
        Assert.Contains("server_shutting_down", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_PassThroughStream_EndingNormally_IsUnchanged()
    {
        using var ending = new CancellationTokenSource();
        var transform = new ObservedResponseTransform(_ => new ObservedRequest(null, ExpectDone: false, PassThrough: true), streamMetrics: null, ending.Token);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("data: x\n\n: comment\n\n", Encoding.UTF8, "text/event-stream") };

        await transform.ApplyAsync(new ResponseTransformContext { HttpContext = new DefaultHttpContext(), ProxyResponse = response });

        Assert.Equal("data: x\n\n: comment\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ApplyAsync_PassThroughPlainBody_IsAbortedWhenTheDrainEnds_NotBefore()
    {
        using var ending = new CancellationTokenSource();
        var transform = new ObservedResponseTransform(_ => new ObservedRequest(null, ExpectDone: false, PassThrough: true), streamMetrics: null, ending.Token);
        var http = new DefaultHttpContext();
        var lifetime = new AbortLog();
        http.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("file bytes", Encoding.UTF8, "application/octet-stream") };

        await transform.ApplyAsync(new ResponseTransformContext { HttpContext = http, ProxyResponse = response });
        var before = lifetime.Aborted;
        await ending.CancelAsync();

        Assert.False(before);
        Assert.True(lifetime.Aborted);
        Assert.Equal("file bytes", await response.Content.ReadAsStringAsync());
    }
}
