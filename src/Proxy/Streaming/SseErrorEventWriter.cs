using AiProxy.Http;

namespace AiProxy.Streaming;

/// <summary>
/// Ends a failed SSE answer the way the SDKs understand: an OpenAI-style <c>data: {"error":…}</c> event, never a
/// <c>[DONE]</c> (a stream that just closes reads as success to the Node SDK). Watches the events the client gets to know
/// whether the upstream already ended properly (<c>[DONE]</c>, or its own in-band error event as OpenRouter sends).
/// </summary>
internal sealed class SseErrorEventWriter : ISseEventObserver
{
    private readonly bool _expectDone;
    private bool _endedProperly;
    private byte _lastByte;

    /// <param name="expectDone">True when the protocol ends with <c>data: [DONE]</c> (chat/completions), so a clean close without it is a failure.</param>
    public SseErrorEventWriter(bool expectDone) => _expectDone = expectDone;

    public void OnStarted()
    {
    }

    public int OnEvent(Span<byte> evt)
    {
        if (!evt.IsEmpty)
        {
            _lastByte = evt[^1];
            _endedProperly = _endedProperly || IsDone(evt) || SseEvents.DataStartsWith(evt, "{\"error\""u8);
        }
        return evt.Length;
    }

    public void OnCompleted(bool success)
    {
    }

    /// <summary>The error event after the upstream connection failed or timed out mid-stream.</summary>
    public static byte[] UpstreamFailed(bool timeout) => Create(timeout
        ? "The upstream provider stopped sending before the response was complete (timeout)."
        : "The upstream provider's connection failed before the response was complete.");

    /// <summary>The error event for a stream still running when the proxy's drain time ends (SIGTERM).</summary>
    public static byte[] ShuttingDown() => ProxyErrors.SseErrorEvent(
        "AiProxy is shutting down and ended the stream before the response was complete; retry the request.", "server_error", "server_shutting_down");

    /// <summary>
    /// The error event when the upstream closed cleanly but early, or null when it ended properly.
    /// <paramref name="openTail"/>: the last event the client got had no blank line, so the error event must not join it.
    /// </summary>
    public byte[]? UpstreamEnded(bool openTail)
    {
        if (!_expectDone || _endedProperly)
        {
            return null;
        }
        var evt = Create("The upstream provider ended the stream before the response was complete.");
        if (!openTail)
        {
            return evt;
        }
        ReadOnlySpan<byte> separator = _lastByte is (byte)'\n' or (byte)'\r' ? [_lastByte] : "\n\n"u8;
        var result = new byte[separator.Length + evt.Length];
        separator.CopyTo(result);
        evt.CopyTo(result.AsSpan(separator.Length));
        return result;
    }

    private static bool IsDone(ReadOnlySpan<byte> evt) => evt.TrimEnd("\r\n"u8).EndsWith("[DONE]"u8);

    private static byte[] Create(string message) => ProxyErrors.SseErrorEvent(message, "server_error", "upstream_stream_error");
}
