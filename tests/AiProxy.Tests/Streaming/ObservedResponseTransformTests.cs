using System.Net;
using System.Text;
using AiProxy.Streaming;
using Microsoft.AspNetCore.Http;
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
}
