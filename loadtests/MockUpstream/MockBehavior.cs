namespace AiProxy.MockUpstream;

/// <summary>Per-request overrides returned by <see cref="MockUpstreamOptions.Behavior"/>; <see langword="null"/> members keep the header or default value.</summary>
public sealed class MockBehavior
{
    /// <summary>An OK response with no overrides.</summary>
    public static MockBehavior Ok { get; } = new() { StatusCode = 200 };

    /// <summary>HTTP status; anything other than 2xx gets an OpenAI-shaped error body.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Error message of the error body.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary><c>error.type</c> of the error body (defaults depend on the status).</summary>
    public string? ErrorType { get; init; }

    /// <summary><c>error.code</c> of the error body (defaults depend on the status).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Value of the <c>retry-after</c> response header.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>Value of the <c>retry-after-ms</c> response header.</summary>
    public string? RetryAfterMs { get; init; }

    /// <summary>Delay before the response headers are sent.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Number of content chunks.</summary>
    public int? Chunks { get; init; }

    /// <summary>Delay before each content chunk of a stream.</summary>
    public TimeSpan? ChunkDelay { get; init; }

    /// <summary>Delay after the headers of a stream, before its first event.</summary>
    public TimeSpan? FirstEventDelay { get; init; }

    /// <summary>Abort the connection after this many SSE events (0: before any response byte).</summary>
    public int? AbortAfterChunks { get; init; }

    /// <summary>Write an error event after this many SSE events and end the stream without <c>[DONE]</c>.</summary>
    public int? ErrorAfterChunks { get; init; }

    /// <summary>Fixed assistant text.</summary>
    public string? Content { get; init; }

    /// <summary>Raw response body replacing the generated one (status <see cref="StatusCode"/>, default 200).</summary>
    public byte[]? Body { get; init; }

    /// <summary>Content type of <see cref="Body"/>.</summary>
    /// <value><c>application/json</c></value>
    public string? ContentType { get; init; }

    /// <summary>Extra response headers, set last (they win over generated ones).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
