using AiProxy.Http;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Streaming;

/// <summary>
/// Puts the observing stream under a successful upstream body (<see cref="SseEventStream"/> for SSE,
/// <see cref="JsonResponseStream"/> otherwise) and tells the request's answer observers the status first.
/// </summary>
internal sealed class ObservedResponseTransform : ResponseTransform
{
    /// <summary>The largest non-streaming answer kept in memory for usage and the cache (larger ones pass through unobserved).</summary>
    private const int MaxObservedJsonBytes = 8 * 1024 * 1024;

    private readonly Func<HttpContext, ObservedRequest> _select;
    private readonly ISseEventObserver? _streamMetrics;
    private readonly CancellationToken _streamsEnding;

    /// <param name="select">The request's side of the answer (none for requests the proxy does not observe).</param>
    /// <param name="streamMetrics">A stateless observer added to every SSE stream (metrics), or null.</param>
    /// <param name="streamsEnding">Fires when the proxy is about to stop: open streams then end with an error event.</param>
    public ObservedResponseTransform(Func<HttpContext, ObservedRequest> select, ISseEventObserver? streamMetrics, CancellationToken streamsEnding = default)
    {
        _select = select;
        _streamMetrics = streamMetrics;
        _streamsEnding = streamsEnding;
    }

    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var response = context.ProxyResponse;
        if (response is null || context.SuppressResponseBody)
        {
            return default;
        }
        var observed = _select(context.HttpContext);
        if (observed.Request is not { } request)
        {
            if (observed.PassThrough && _streamsEnding.CanBeCanceled)
            {
                EndAtDrain(context, response);
            }
            return default;
        }

        var contentType = UpstreamContentType.MediaTypeOf(response.Content);
        var isEventStream = ReferenceEquals(contentType, UpstreamContentType.EventStream);
        if (request.Observers is { } observers)
        {
            foreach (var observer in observers)
            {
                observer.OnStarted((int)response.StatusCode, contentType, isEventStream);
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            return default;
        }

        if (isEventStream)
        {
            var expectDone = observed.ExpectDone;
            var aborted = context.HttpContext.RequestAborted;
            var metrics = _streamMetrics;
            var ending = _streamsEnding;
            response.Content = new ObservedContent(response.Content, inner => SseEventStream.Create(inner, expectDone, aborted, request, metrics, ending));
            // The body may grow by an error event or shrink by a dropped usage chunk: the upstream's length would be wrong.
            context.HttpContext.Response.Headers.ContentLength = null;
        }
        else
        {
            response.Content = new ObservedContent(response.Content, inner => new JsonResponseStream(inner, request, MaxObservedJsonBytes));
        }
        return default;
    }

    /// <summary>
    /// A pass-through answer is not observed, but it must not outlive the drain either: an SSE body ends with the
    /// <c>server_shutting_down</c> error event (whole events only, never <c>[DONE]</c>), any other body is aborted, so the client
    /// sees a cut rather than a body that looks complete and the upstream request is cancelled before the host stops.
    /// </summary>
    private void EndAtDrain(ResponseTransformContext context, HttpResponseMessage response)
    {
        var http = context.HttpContext;
        if (UpstreamContentType.IsEventStream(response.Content))
        {
            var aborted = http.RequestAborted;
            var ending = _streamsEnding;
            response.Content = new ObservedContent(response.Content, inner => SseEventStream.Create(inner, expectDone: false, aborted, streamsEnding: ending));
            http.Response.Headers.ContentLength = null;
            return;
        }
        http.Response.RegisterForDispose(_streamsEnding.UnsafeRegister(static state => ((HttpContext)state!).Abort(), http));
    }
}
