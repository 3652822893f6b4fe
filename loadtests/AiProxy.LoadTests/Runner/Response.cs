namespace AiProxy.LoadTests.Runner;

/// <summary>Outcome of one scenario invocation, as NBomber's <c>Response.Ok()</c> / <c>Response.Fail()</c>.</summary>
public sealed class Response
{
    private Response(bool isError, string statusCode, long sizeBytes, string? message)
    {
        IsError = isError;
        StatusCode = statusCode;
        SizeBytes = sizeBytes;
        Message = message;
    }

    /// <summary>Whether the invocation counts as failed.</summary>
    public bool IsError { get; }

    /// <summary>Status code label (an HTTP status, or any short text); counted per value.</summary>
    public string StatusCode { get; }

    /// <summary>Bytes transferred, summed into the scenario's data volume.</summary>
    public long SizeBytes { get; }

    /// <summary>Optional label; ok responses count labels (e.g. <c>cache:hit</c>), failures keep the first few as samples.</summary>
    public string? Message { get; }

    /// <summary>A successful invocation.</summary>
    public static Response Ok(string statusCode = "", long sizeBytes = 0, string? message = null) => new(false, statusCode, sizeBytes, message);

    /// <summary>A failed invocation.</summary>
    public static Response Fail(string statusCode = "", string? message = null, long sizeBytes = 0) => new(true, statusCode, sizeBytes, message);
}
