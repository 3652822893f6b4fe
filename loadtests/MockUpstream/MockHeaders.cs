namespace AiProxy.MockUpstream;

/// <summary>Request header names that steer the mock upstream's behaviour for a single request.</summary>
public static class MockHeaders
{
    /// <summary>Answer with this HTTP status and an OpenAI-shaped error body (e.g. <c>429</c>, <c>503</c>).</summary>
    public const string Status = "x-mock-status";

    /// <summary>Value copied into the <c>retry-after</c> response header (seconds, may be fractional).</summary>
    public const string RetryAfter = "x-mock-retry-after";

    /// <summary>Value copied into the <c>retry-after-ms</c> response header.</summary>
    public const string RetryAfterMs = "x-mock-retry-after-ms";

    /// <summary>Milliseconds to wait before sending response headers.</summary>
    public const string DelayMs = "x-mock-delay-ms";

    /// <summary>Number of content chunks (stream events, and completion tokens).</summary>
    public const string Chunks = "x-mock-chunks";

    /// <summary>Milliseconds to wait before each content chunk of a stream.</summary>
    public const string ChunkDelayMs = "x-mock-chunk-delay-ms";

    /// <summary>Milliseconds to wait after the headers of a stream, before its first event.</summary>
    public const string FirstEventDelayMs = "x-mock-first-event-delay-ms";

    /// <summary>Abort the connection after this many SSE events were written (0: before any response byte).</summary>
    public const string AbortAfterChunks = "x-mock-abort-after-chunks";

    /// <summary>Write an OpenAI-style <c>data: {"error":…}</c> event after this many SSE events and end the stream without <c>[DONE]</c>.</summary>
    public const string ErrorAfterChunks = "x-mock-error-after-chunks";

    /// <summary>Fixed assistant text; split into the configured number of chunks.</summary>
    public const string Content = "x-mock-content";

    /// <summary>Echoed as <c>x-ratelimit-limit-requests</c>.</summary>
    public const string RateLimitLimitRequests = "x-mock-ratelimit-limit-requests";

    /// <summary>Echoed as <c>x-ratelimit-limit-tokens</c>.</summary>
    public const string RateLimitLimitTokens = "x-mock-ratelimit-limit-tokens";

    /// <summary>Echoed as <c>x-ratelimit-remaining-requests</c>.</summary>
    public const string RateLimitRemainingRequests = "x-mock-ratelimit-remaining-requests";

    /// <summary>Echoed as <c>x-ratelimit-remaining-tokens</c>.</summary>
    public const string RateLimitRemainingTokens = "x-mock-ratelimit-remaining-tokens";

    /// <summary>Echoed as <c>x-ratelimit-reset-requests</c> (Go-style duration such as <c>1s</c>, <c>6m0s</c>).</summary>
    public const string RateLimitResetRequests = "x-mock-ratelimit-reset-requests";

    /// <summary>Echoed as <c>x-ratelimit-reset-tokens</c>.</summary>
    public const string RateLimitResetTokens = "x-mock-ratelimit-reset-tokens";
}
