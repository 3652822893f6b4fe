using AiProxy.Http;
using AiProxy.Pipeline;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Caching;

internal sealed partial class ResponseCacheMiddleware
{
    private const string EventStream = "text/event-stream";

    /// <summary>Writes a cached answer in the shape the request asked for; false (nothing written) when it cannot be converted.</summary>
    private async Task<bool> TryServeAsync(HttpContext context, AiRequestFeature feature, CachedResponse entry, ParsedRequest request)
    {
        feature.CachedUsage = entry.Usage;
        var operation = feature.Operation;
        var wantsStream = feature.Request?.Stream == true && operation != AiOperation.Embeddings;
        if (entry.IsEventStream && wantsStream)
        {
            Start(context, feature, EventStream);
            var filter = new SseReplayFilter(operation, request.IncludeUsage);
            await WriteEventsAsync(context, filter, entry.Segments, entry.Usage);
            return true;
        }

        if (entry.IsEventStream)
        {
            var json = ResponseConverter.ToJson(entry.Segments, operation, entry.Usage);
            if (json is null)
            {
                Log.NotConvertible(_logger, operation.ToString(), stream: false);
                return false;
            }
            Start(context, feature, "application/json");
            await WriteBodyAsync(context, json);
            return true;
        }

        if (wantsStream)
        {
            var events = ResponseConverter.ToEvents(entry.Segments[0], operation, request.IncludeUsage);
            if (events is null)
            {
                Log.NotConvertible(_logger, operation.ToString(), stream: true);
                return false;
            }
            Start(context, feature, EventStream);
            await WriteEventsAsync(context, SseReplayFilter.PassThrough, events, entry.Usage);
            return true;
        }

        Start(context, feature, entry.ContentType);
        await WriteBodyAsync(context, entry.Segments[0]);
        return true;
    }

    /// <summary>
    /// Serves a request from a leader's upstream call: a streaming request on an SSE leader replays the events so far and
    /// then each one as it arrives; anything else waits for the complete answer. False (nothing written) when the leader
    /// failed before this request got a byte, so the caller goes upstream itself. The wait ends at this request's own
    /// deadline (<see cref="FollowerDeadline"/>) or when its client leaves, whatever the leader does.
    /// </summary>
    private async Task<bool> FollowAsync(HttpContext context, AiRequestFeature feature, ResponseRecording leader, ParsedRequest request)
    {
        var aborted = context.RequestAborted;
        var wait = FollowerDeadline.For(context.Request.Headers, feature.Snapshot.Options.Providers, feature.Route);
        var remaining = wait - _time.GetElapsedTime(feature.StartTimestamp);
        using var timer = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timer.Token);
        try
        {
            return await ReplayLeaderAsync(context, feature, leader, request, linked.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // This client went away; nothing left to do.
            return true;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            Log.FollowerTimedOut(_logger, feature.Route.Name, (long)wait.TotalMilliseconds);
            var message = $"Timed out after {wait.TotalSeconds:0.###}s waiting for the answer of an identical request in flight.";
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await ProxyErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, message, "server_error", "upstream_timeout");
            }
            else
            {
                // Part of the stream went out: end it the way a failed upstream stream ends, never with [DONE].
                await context.Response.Body.WriteAsync(ProxyErrors.SseErrorEvent(message, "server_error", "upstream_timeout"), aborted);
            }
            return true;
        }
    }

    private async Task<bool> ReplayLeaderAsync(HttpContext context, AiRequestFeature feature, ResponseRecording leader, ParsedRequest request,
        CancellationToken token)
    {
        await leader.WaitStartedAsync(token);
        if (feature.Request?.Stream != true || feature.Operation == AiOperation.Embeddings || !leader.IsEventStream || !leader.IsOkStream)
        {
            return await leader.WaitCompletedAsync(token) == RecordingState.Succeeded
                && await TryServeAsync(context, feature, leader.Result!, request);
        }

        var filter = new SseReplayFilter(feature.Operation, request.IncludeUsage);
        var batch = new List<byte[]>();
        var seen = 0;
        while (true)
        {
            batch.Clear();
            var state = leader.Read(seen, batch, out var changed);
            seen += batch.Count;
            if (batch.Count > 0)
            {
                if (!context.Response.HasStarted)
                {
                    Start(context, feature, EventStream);
                }
                await WriteEventsAsync(context, filter, batch, leader.Usage);
            }
            if (state == RecordingState.Succeeded)
            {
                return true;
            }
            if (state == RecordingState.Failed)
            {
                if (!context.Response.HasStarted)
                {
                    return false;
                }
                // Same ending as a failed upstream stream: an error event, never [DONE].
                await context.Response.Body.WriteAsync(ProxyErrors.SseErrorEvent(
                    "The upstream provider stopped sending before the response was complete.", "server_error", "upstream_stream_error"), context.RequestAborted);
                return true;
            }
            await changed.WaitAsync(token);
        }
    }

    private static void Start(HttpContext context, AiRequestFeature feature, string contentType)
    {
        if (feature.CacheStatus != Semantic.SemanticCacheService.HitStatus)
        {
            feature.CacheStatus = Hit;
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (contentType.StartsWith(EventStream, StringComparison.Ordinal))
        {
            response.Headers.CacheControl = "no-cache";
        }
    }

    private static async Task WriteBodyAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentLength = body.Length;
        try
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    private static async Task WriteEventsAsync(HttpContext context, SseReplayFilter filter, IReadOnlyList<byte[]> events, Streaming.TokenUsage? usage)
    {
        var body = context.Response.Body;
        var aborted = context.RequestAborted;
        try
        {
            foreach (var evt in events)
            {
                var (write, before) = filter.Next(evt, usage);
                if (before is not null)
                {
                    await body.WriteAsync(before, aborted);
                }
                if (write)
                {
                    await body.WriteAsync(evt, aborted);
                    await body.FlushAsync(aborted);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
        }
    }
}
