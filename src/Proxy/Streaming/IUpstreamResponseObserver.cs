namespace AiProxy.Streaming;

/// <summary>
/// Sees an upstream answer as it is delivered to the client (cache recording, coalescing fan-out). Called on the
/// request's thread, in order; implementations must not block.
/// </summary>
internal interface IUpstreamResponseObserver
{
    /// <summary>Called once the upstream's status and headers are known, before any body byte.</summary>
    void OnStarted(int statusCode, string? contentType, bool isEventStream);

    /// <summary>
    /// Called with what the client receives: for SSE one whole event at a time (its trailing blank line included,
    /// after the proxy dropped any injected usage chunk); for other bodies, each chunk as read.
    /// </summary>
    void OnData(ReadOnlySpan<byte> data);

    /// <summary>Called once when the body ended: <paramref name="success"/> is false for aborted, failed or truncated answers.</summary>
    void OnCompleted(bool success);
}
