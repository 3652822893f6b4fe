namespace AiProxy.Streaming;

/// <summary>
/// One job on an SSE answer (usage metering, usage-chunk stripping, metrics…), composed in order by
/// <see cref="SseEventStream"/>. Called on the request's thread; implementations must not block or keep the span.
/// </summary>
internal interface ISseEventObserver
{
    /// <summary>Called once when the stream is opened, before any event.</summary>
    void OnStarted();

    /// <summary>
    /// Sees one whole event (its trailing blank line included, as far as earlier observers kept it) and returns how many
    /// of its bytes to keep: its length to pass it on, 0 to drop it, less after shortening it in place.
    /// </summary>
    int OnEvent(Span<byte> evt);

    /// <summary>Called once when the stream ended: <paramref name="success"/> is false for aborted, failed or truncated answers.</summary>
    void OnCompleted(bool success);
}
