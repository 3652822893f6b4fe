using AiProxy.Configuration;
using AiProxy.Http;
using AiProxy.Runtime;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Clients;

/// <summary>
/// Identifies the client of every <c>/v1</c> request from its key (<c>Authorization: Bearer</c> or <c>api-key</c>,
/// as the OpenAI SDKs send it). With Clients configured, a missing or unknown key gets 401 <c>invalid_api_key</c>.
/// </summary>
internal sealed class ClientIdentityMiddleware
{
    private static readonly PathString V1 = new("/v1");
    private readonly RequestDelegate _next;
    private readonly AiProxyConfigStore _store;

    public ClientIdentityMiddleware(RequestDelegate next, AiProxyConfigStore store)
    {
        _next = next;
        _store = store;
    }

    public Task Invoke(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(V1, StringComparison.OrdinalIgnoreCase))
        {
            return _next(context);
        }

        var table = ClientTable.For(_store.Current);
        if (!table.RequiresKey)
        {
            context.Features.Set(table.Anonymous);
            return _next(context);
        }

        var header = PresentedKey(context.Request, out var key);
        if (header is null || !table.TryAuthenticateHeader(header, key, out var client))
        {
            if (IsInternal(context.Request))
            {
                // The proxy's own call to itself (semantic-cache embeddings through an upstream provider); checked only
                // once a client key has failed, so client requests never pay for the extra header lookup.
                context.Features.Set(table.Anonymous);
                return _next(context);
            }
            return ProxyErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                "Incorrect or missing API key. Send your AiProxy client key as 'Authorization: Bearer <key>' (or the 'api-key' header).",
                ProxyErrors.InvalidRequest, "invalid_api_key");
        }
        context.Features.Set(client);
        return _next(context);
    }

    private static bool IsInternal(HttpRequest request)
    {
        var values = request.Headers[InternalRequest.HeaderName];
        return values.Count == 1 && values[0] is { } token && InternalRequest.IsValid(token)
            && IsLoopback(request);

        static bool IsLoopback(HttpRequest r) => r.HttpContext.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip);
    }

    /// <summary>Finds the presented key: returns the header value holding it (null when none) and the key's part of it.</summary>
    private static string? PresentedKey(HttpRequest request, out ReadOnlySpan<char> key)
    {
        var headers = request.Headers;
        var authorization = headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                key = span[7..].Trim();
                return value;
            }
        }
        var apiKey = headers["api-key"];
        if (apiKey.Count == 1 && apiKey[0] is { } apiKeyValue)
        {
            key = apiKeyValue.AsSpan().Trim();
            return apiKeyValue;
        }
        key = default;
        return null;
    }
}
