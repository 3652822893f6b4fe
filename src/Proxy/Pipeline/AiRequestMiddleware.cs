using System.Buffers;
using AiProxy.Configuration;
using AiProxy.Http;
using AiProxy.RateLimiting;
using AiProxy.Runtime;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Pipeline;

/// <summary>
/// First step of the proxy pipeline for AiProxy's routes: reads the body once (bounded), parses it in one
/// <c>Utf8JsonReader</c> pass and routes by model. Bad input gets an OpenAI-style 400/404/413.
/// </summary>
internal sealed class AiRequestMiddleware
{
    private readonly RequestDelegate _next;
    private readonly AiProxyConfigStore _store;
    private readonly TimeProvider _time;

    public AiRequestMiddleware(RequestDelegate next, AiProxyConfigStore store, TimeProvider time)
    {
        _next = next;
        _store = store;
        _time = time;
    }

    public Task Invoke(HttpContext context)
    {
        var proxyFeature = context.Features.Get<IReverseProxyFeature>();
        if (proxyFeature?.Route.Config.RouteId != SnapshotCompiler.CatchAllRouteId)
        {
            // A raw ReverseProxy route: plain YARP.
            return _next(context);
        }

        var snapshot = _store.Current;
        var operation = Classify(context.Request);
        if (operation == AiOperation.PassThrough)
        {
            var feature = new AiRequestFeature(snapshot, operation, snapshot.Routes.Default) { StartTimestamp = _time.GetTimestamp(), Time = _time };
            context.Features.Set(feature);
            context.Features.Set<IUpstreamRequestFeature>(feature);
            return _next(context);
        }
        return InvokeModelRoutedAsync(context, snapshot, operation);
    }

    private async Task InvokeModelRoutedAsync(HttpContext context, AiProxySnapshot snapshot, AiOperation operation)
    {
        var limit = snapshot.MaxRequestBodyBytes;
        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            await ProxyErrors.BodyTooLarge(context, limit);
            return;
        }

        var (buffer, length) = await ReadBodyAsync(context.Request.Body, declared, limit, context.RequestAborted);
        if (buffer is null)
        {
            await ProxyErrors.BodyTooLarge(context, limit);
            return;
        }

        try
        {
            var start = _time.GetTimestamp();
            switch (RequestBodyParser.Parse(buffer.AsMemory(0, length), operation, out var request))
            {
                case RequestBodyParser.Result.InvalidJson:
                    await ProxyErrors.InvalidJson(context);
                    return;
                case RequestBodyParser.Result.MissingModel:
                    await ProxyErrors.MissingModel(context);
                    return;
            }

            var route = snapshot.Routes.Match(request.Model);
            if (route is null)
            {
                await ProxyErrors.ModelNotFound(context, request.Model);
                return;
            }
            var estimate = TokenEstimator.Estimate(request.PromptChars, request.PromptTokenIds, request.MaxOutputTokens, request.N,
                operation == AiOperation.Embeddings ? 0 : TokenEstimator.DefaultCompletionTokens);
            var feature = new AiRequestFeature(snapshot, request, route, estimate) { StartTimestamp = start, Time = _time };
            context.Response.OnStarting(ProxyResponseHeaders.Apply, context);
            context.Features.Set(feature);
            context.Features.Set<IUpstreamRequestFeature>(feature);
            await _next(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static AiOperation Classify(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return AiOperation.PassThrough;
        }
        var path = request.Path.Value;
        return path switch
        {
            _ when Is(path, "/v1/chat/completions") => AiOperation.ChatCompletions,
            _ when Is(path, "/v1/completions") => AiOperation.Completions,
            _ when Is(path, "/v1/embeddings") => AiOperation.Embeddings,
            _ when Is(path, "/v1/responses") => AiOperation.Responses,
            _ => AiOperation.PassThrough,
        };

        static bool Is(string? path, string expected)
            => path is not null && path.AsSpan().TrimEnd('/').Equals(expected, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads the whole body into a pooled buffer; returns a null buffer when it exceeds <paramref name="limit"/>.</summary>
    private static async ValueTask<(byte[]? Buffer, int Length)> ReadBodyAsync(Stream body, long? declared, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 16 * 1024, 1, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (null, 0);
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
