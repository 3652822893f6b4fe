using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace AiProxy.MockUpstream;

/// <summary>The single terminal handler: read the body once, record it, decide the plan, answer.</summary>
internal sealed partial class MockHandler(MockUpstreamOptions options, MockRequestLog log)
{
    private static readonly Dictionary<string, string> NoHeaders = new(StringComparer.OrdinalIgnoreCase);
    // A per-process random part keeps ids unique across mock restarts; the counter keeps them unique within one.
    private static readonly string ProcessId = Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture);
    private static readonly string RequestIdPrefix = "req_" + ProcessId;
    private static long s_ids;

    private readonly TimeProvider _time = options.TimeProvider;

    public async Task InvokeAsync(HttpContext ctx)
    {
        var startedAt = _time.GetTimestamp();
        var route = MockRoute.Parse(ctx.Request.Path.Value ?? "/");
        byte[] bytes;
        try
        {
            bytes = await ReadBodyAsync(ctx.Request.BodyReader, ctx.RequestAborted);
        }
        catch (Exception e) when (IsDisconnect(e, ctx))
        {
            return;
        }

        var body = RequestBody.Parse(bytes);
        var request = new MockRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "/", ctx.Request.QueryString.Value ?? "",
            options.RecordRequests || options.Behavior is not null ? CopyHeaders(ctx.Request.Headers) : NoHeaders,
            options.RecordRequests || options.Behavior is not null ? bytes : [],
            _time.GetUtcNow(), route.Endpoint == MockEndpoint.Unknown ? "" : route.Name, route.Deployment, body.Model, body.Stream);
        log.Add(request, options.RecordRequests);

        using var registration = ctx.RequestAborted.Register(static state =>
        {
            var (r, time) = ((MockRequest, TimeProvider))state!;
            if (!r.AbortedByMock) r.MarkAborted(time.GetUtcNow());
        }, (request, _time));

        try
        {
            var plan = ResponsePlan.Create(options, ctx.Request.Headers, request);
            if (plan.Delay > TimeSpan.Zero) await Task.Delay(plan.Delay, _time, ctx.RequestAborted);
            if (plan.AbortAfterChunks == 0)
            {
                Abort(ctx, request);
                return;
            }
            var call = new Call(ctx, request, bytes, body, route, plan, startedAt);
            await DispatchAsync(call);
        }
        catch (Exception e) when (IsDisconnect(e, ctx))
        {
            // The client went away; the registration above recorded it.
        }
        finally
        {
            registration.Dispose();
            request.MarkFinished(_time.GetUtcNow());
        }
    }

    private Task DispatchAsync(Call call)
    {
        var plan = call.Plan;
        if (plan.Body is not null) return WriteRawAsync(call);
        if (plan.IsError) return WriteErrorAsync(call, plan.Status, plan.ErrorMessage, plan.ErrorType, plan.ErrorCode, null);

        var method = call.Context.Request.Method;
        var route = call.Route;
        switch (route.Endpoint)
        {
            case MockEndpoint.Unknown:
                return WriteErrorAsync(call, 404, $"Invalid URL ({method} {call.Request.Path})", "invalid_request_error", "unknown_url", null);
            case MockEndpoint.Models:
                return HttpMethods.IsGet(method) ? WriteModelsAsync(call) : MethodNotAllowed(call);
            case MockEndpoint.Model:
                return HttpMethods.IsGet(method) ? WriteModelAsync(call) : MethodNotAllowed(call);
        }

        if (!HttpMethods.IsPost(method)) return MethodNotAllowed(call);
        if (!call.Body.IsJson)
        {
            return WriteErrorAsync(call, 400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
                "invalid_request_error", null, null);
        }
        if (call.Model is null)
        {
            return WriteErrorAsync(call, 400, "you must provide a model parameter", "invalid_request_error", null, "model");
        }

        return route.Endpoint switch
        {
            MockEndpoint.ChatCompletions => call.Body.Stream ? StreamChatAsync(call) : WriteChatAsync(call),
            MockEndpoint.Completions => call.Body.Stream ? StreamCompletionAsync(call) : WriteCompletionAsync(call),
            MockEndpoint.Embeddings => WriteEmbeddingsAsync(call),
            MockEndpoint.Responses => call.Body.Stream ? StreamResponseAsync(call) : WriteResponseAsync(call),
            _ => WriteErrorAsync(call, 404, $"Invalid URL ({method} {call.Request.Path})", "invalid_request_error", "unknown_url", null),
        };
    }

    private Task MethodNotAllowed(Call call)
        => WriteErrorAsync(call, 405, $"Invalid method for URL ({call.Context.Request.Method} {call.Request.Path})", "invalid_request_error", null, null);

    /// <summary>Sets the headers OpenAI sends on every answer; call right before the first byte.</summary>
    private void SetHeaders(Call call, int status, string contentType)
    {
        var response = call.Context.Response;
        var plan = call.Plan;
        response.StatusCode = status;
        response.ContentType = contentType;
        var headers = response.Headers;
        var id = RequestIdPrefix + Interlocked.Increment(ref s_ids).ToString("x16", CultureInfo.InvariantCulture);
        call.Request.RequestId = id;
        headers["x-request-id"] = id;
        headers["openai-version"] = "2020-10-01";
        headers["openai-processing-ms"] = ((long)_time.GetElapsedTime(call.StartedAt).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-limit-requests"] = plan.LimitRequests ?? "10000";
        headers["x-ratelimit-limit-tokens"] = plan.LimitTokens ?? "30000000";
        headers["x-ratelimit-remaining-requests"] = plan.RemainingRequests ?? (status == 429 ? "0" : "9999");
        headers["x-ratelimit-remaining-tokens"] = plan.RemainingTokens
            ?? (status == 429 ? "0" : (30000000 - call.Body.PromptTokens).ToString(CultureInfo.InvariantCulture));
        headers["x-ratelimit-reset-requests"] = plan.ResetRequests ?? "6ms";
        headers["x-ratelimit-reset-tokens"] = plan.ResetTokens ?? "0s";
        if (plan.RetryAfter is not null) headers["retry-after"] = plan.RetryAfter;
        if (plan.RetryAfterMs is not null) headers["retry-after-ms"] = plan.RetryAfterMs;
        if (plan.ExtraHeaders is not null)
        {
            foreach (var (name, value) in plan.ExtraHeaders) headers[name] = value;
        }
        call.Request.SetStatus(status);
    }

    private async Task WriteRawAsync(Call call)
    {
        SetHeaders(call, call.Plan.Status, call.Plan.ContentType ?? "application/json");
        await WriteBodyAsync(call, call.Plan.Body!);
    }

    private Task WriteErrorAsync(Call call, int status, string? message, string? type, string? code, string? param)
    {
        (type, code, message) = ErrorDefaults(status, type, code, message, call.Model);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteErrorObject(w, message, type, code, param);
            w.WriteEndObject();
        }
        SetHeaders(call, status, "application/json");
        return WriteBodyAsync(call, buffer.WrittenMemory);
    }

    internal static void WriteErrorObject(Utf8JsonWriter w, string message, string type, string? code, string? param)
    {
        w.WriteStartObject("error"u8);
        w.WriteString("message"u8, message);
        w.WriteString("type"u8, type);
        if (param is null) w.WriteNull("param"u8); else w.WriteString("param"u8, param);
        if (code is null) w.WriteNull("code"u8); else w.WriteString("code"u8, code);
        w.WriteEndObject();
    }

    internal static (string Type, string? Code, string Message) ErrorDefaults(int status, string? type, string? code, string? message, string? model) => status switch
    {
        400 => (type ?? "invalid_request_error", code, message ?? "Bad request (mock)."),
        401 => (type ?? "invalid_request_error", code ?? "invalid_api_key", message ?? "Incorrect API key provided."),
        403 => (type ?? "invalid_request_error", code ?? "permission_denied", message ?? "You are not allowed to access this resource."),
        404 => (type ?? "invalid_request_error", code ?? "model_not_found", message ?? $"The model `{model}` does not exist or you do not have access to it."),
        408 => (type ?? "invalid_request_error", code ?? "timeout", message ?? "Request timed out."),
        409 => (type ?? "invalid_request_error", code ?? "conflict", message ?? "Conflict."),
        413 => (type ?? "invalid_request_error", code ?? "request_too_large", message ?? "Request too large."),
        429 => (type ?? "requests", code ?? "rate_limit_exceeded", message ?? $"Rate limit reached for {model} on requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again later."),
        500 => (type ?? "server_error", code, message ?? "The server had an error while processing your request. Sorry about that!"),
        502 => (type ?? "server_error", code ?? "bad_gateway", message ?? "Bad gateway."),
        503 => (type ?? "server_error", code ?? "service_unavailable", message ?? "The engine is currently overloaded, please try again later."),
        504 => (type ?? "server_error", code ?? "timeout", message ?? "Gateway timeout."),
        >= 500 => (type ?? "server_error", code, message ?? "Upstream error (mock)."),
        _ => (type ?? "invalid_request_error", code, message ?? "Error (mock)."),
    };

    /// <summary>Writes a complete JSON body; with an abort plan, writes half of it and drops the connection.</summary>
    private async Task WriteBodyAsync(Call call, ReadOnlyMemory<byte> body)
    {
        var response = call.Context.Response;
        if (call.Plan.AbortAfterChunks is > 0)
        {
            await response.Body.WriteAsync(body[..(body.Length / 2)], call.Context.RequestAborted);
            await response.Body.FlushAsync(call.Context.RequestAborted);
            call.Request.AddChunk(_time.GetUtcNow());
            await AbortAsync(call.Context, call.Request, _time, graceful: true);
            return;
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, call.Context.RequestAborted);
        if (options.RecordRequests) call.Request.AddChunk(_time.GetUtcNow());
    }

    // Kestrel resets the connection on abort, and a reset makes the client's kernel drop bytes it has not read yet;
    // waiting a moment lets the flushed chunks actually reach the client first.
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(50);

    private static void Abort(HttpContext ctx, MockRequest request)
    {
        request.AbortedByMock = true;
        ctx.Abort();
    }

    internal static async ValueTask AbortAsync(HttpContext ctx, MockRequest request, TimeProvider time, bool graceful)
    {
        request.AbortedByMock = true;
        if (graceful)
        {
            await Task.Delay(AbortGrace, time, CancellationToken.None);
        }
        ctx.Abort();
    }

    private static async Task<byte[]> ReadBodyAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = result.Buffer.IsEmpty ? [] : result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers) copy[name] = value.ToString();
        return copy;
    }

    private static bool IsDisconnect(Exception e, HttpContext ctx)
        => ctx.RequestAborted.IsCancellationRequested || e is ConnectionResetException or ConnectionAbortedException or IOException;

    private long NowUnix() => _time.GetUtcNow().ToUnixTimeSeconds();

    private static string NewId(string prefix) => prefix + ProcessId + Interlocked.Increment(ref s_ids).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Everything a writer needs about one request.</summary>
    private sealed class Call(HttpContext context, MockRequest request, byte[] raw, RequestBody body, MockRoute route, ResponsePlan plan, long startedAt)
    {
        public HttpContext Context { get; } = context;
        public MockRequest Request { get; } = request;
        public byte[] Raw { get; } = raw;
        public RequestBody Body { get; } = body;
        public MockRoute Route { get; } = route;
        public ResponsePlan Plan { get; } = plan;
        public long StartedAt { get; } = startedAt;

        /// <summary>The body's model, or the Azure deployment name when the body has none.</summary>
        public string? Model => Body.Model ?? Route.Deployment;
    }
}
