using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Http;

/// <summary>Writes errors produced by the proxy itself in OpenAI's shape, so SDKs raise the usual exception types.</summary>
internal static class ProxyErrors
{
    public const string InvalidRequest = "invalid_request_error";

    public static Task WriteAsync(HttpContext context, int statusCode, string message, string type, string? code, string? param = null, bool? shouldRetry = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            // Too late for a status code: the stream handler reports failures in-band instead.
            return Task.CompletedTask;
        }

        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.Headers.ContentLength = null;
        if (shouldRetry is { } retry)
        {
            response.Headers["x-should-retry"] = retry ? "true" : "false";
        }

        var payload = new OpenAIErrorResponse { Error = new OpenAIError { Message = message, Type = type, Code = code, Param = param } };
        return JsonSerializer.SerializeAsync(response.Body, payload, ProxyJsonContext.Relaxed.OpenAIErrorResponse, context.RequestAborted);
    }

    /// <summary>The bytes of an SSE error event (<c>data: {"error":…}</c>) that ends a failed stream.</summary>
    public static byte[] SseErrorEvent(string message, string type, string? code)
    {
        var payload = new OpenAIErrorResponse { Error = new OpenAIError { Message = message, Type = type, Code = code } };
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, ProxyJsonContext.Relaxed.OpenAIErrorResponse);
        var result = new byte[json.Length + 8];
        "data: "u8.CopyTo(result);
        json.CopyTo(result, 6);
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }

    public static Task ModelNotFound(HttpContext context, string model)
        => WriteAsync(context, StatusCodes.Status404NotFound, $"The model `{model}` does not exist or you do not have access to it.", InvalidRequest, "model_not_found", "model");

    public static Task InvalidJson(HttpContext context)
        => WriteAsync(context, StatusCodes.Status400BadRequest,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't sending valid JSON. The API expects a JSON payload.)",
            InvalidRequest, null);

    public static Task MissingModel(HttpContext context)
        => WriteAsync(context, StatusCodes.Status400BadRequest, "You must provide a model parameter.", InvalidRequest, null, "model");

    public static Task BodyTooLarge(HttpContext context, long limit)
        => WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than the proxy's limit of {limit} bytes (AiProxy:MaxRequestBodyBytes).", InvalidRequest, "request_too_large");
}
