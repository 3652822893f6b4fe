using System.Buffers;

namespace AiProxy.Streaming;

/// <summary>What the first event of an upstream SSE body said, read before anything reaches the client.</summary>
internal enum FirstEventKind
{
    /// <summary>A data event that is not an error (or the hold timed out, or the event is too large to hold): stream it.</summary>
    Content,

    /// <summary>The first data event is an in-band error (OpenRouter/Anthropic style <c>data: {"error":…}</c>).</summary>
    InBandError,

    /// <summary>The body ended, reset or failed before any data event.</summary>
    Failed,
}

/// <summary>
/// Reads an upstream SSE body up to its first data event (comments such as <c>: OPENROUTER PROCESSING</c> are skipped),
/// bounded by a timeout, so that a stream failing before its first content can be retried like an HTTP error. The bytes
/// read are handed on in a <see cref="HeldSseBody"/>; a read still pending at the timeout goes with them.
/// </summary>
internal static class FirstEventProbe
{
    private const int InitialBuffer = 4096;

    /// <summary>The most held before giving up on finding the first event (it then streams as it is).</summary>
    private const int MaxHeld = 64 * 1024;

    /// <summary>Reads until the first data event, the end of the body, a failure or <paramref name="timeout"/>.</summary>
    /// <returns>
    /// The kind; the body to stream if the attempt is not retried (the held bytes, then the rest, or the failure again);
    /// and for <see cref="FirstEventKind.InBandError"/> a copy of the error event's <c>data:</c> payload, to classify it.
    /// </returns>
    public static async ValueTask<(FirstEventKind Kind, HeldSseBody Body, byte[]? ErrorData)> ReadAsync(Stream inner, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxHeld)
                    {
                        return (FirstEventKind.Content, Keep(ref buffer, filled, null, inner), null);
                    }
                    buffer = Grow(buffer, filled);
                }

                var read = inner.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                int n;
                if (read.IsCompletedSuccessfully)
                {
                    n = read.Result;
                }
                else
                {
                    var remaining = timeout - time.GetElapsedTime(started);
                    var pending = read.AsTask();
                    try
                    {
                        n = await pending.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        // Slow first event: stream as before; the read in flight continues inside the held body.
                        return (FirstEventKind.Content, Keep(ref buffer, filled, pending, inner), null);
                    }
                }

                // Ended: a last event without its blank line still counts; comments alone do not.
                var atEnd = n == 0;
                filled += n;
                var found = Classify(buffer.AsSpan(0, filled), atEnd, out var evt);
                if (found is not null || atEnd)
                {
                    var kind = found ?? FirstEventKind.Failed;
                    var data = kind == FirstEventKind.InBandError ? SseEvents.DataOf(buffer.AsSpan(evt)).ToArray() : null;
                    return (kind, Keep(ref buffer, filled, null, inner), data);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Streamed on anyway (the last attempt), the body hands out what was held and then fails the same way.
            return (FirstEventKind.Failed, Keep(ref buffer, filled, Task.FromException<int>(ex), inner), null);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Returns the kind of the first data event in <paramref name="bytes"/>, or null when none is complete yet.</summary>
    internal static FirstEventKind? Classify(ReadOnlySpan<byte> bytes, bool atEnd) => Classify(bytes, atEnd, out _);

    /// <summary>As <see cref="Classify(ReadOnlySpan{byte}, bool)"/>, with where the first data event lies in <paramref name="all"/>.</summary>
    private static FirstEventKind? Classify(ReadOnlySpan<byte> all, bool atEnd, out Range dataEvent)
    {
        dataEvent = default;
        var bytes = all;
        while (!bytes.IsEmpty)
        {
            var end = EventEnd(bytes);
            if (end < 0)
            {
                if (!atEnd)
                {
                    return null;
                }
                end = bytes.Length;
            }
            var evt = bytes[..end];
            if (HasData(evt))
            {
                var start = all.Length - bytes.Length;
                dataEvent = start..(start + end);
                return IsError(evt) ? FirstEventKind.InBandError : FirstEventKind.Content;
            }
            bytes = bytes[end..];
        }
        return atEnd ? FirstEventKind.Failed : null;
    }

    private static bool HasData(ReadOnlySpan<byte> evt) => evt.StartsWith("data:"u8) || evt.IndexOf("\ndata:"u8) >= 0 || evt.IndexOf("\rdata:"u8) >= 0;

    private static bool IsError(ReadOnlySpan<byte> evt)
        => SseEvents.DataStartsWith(evt, "{\"error\""u8) || SseEvents.DataStartsWith(evt, "{\"type\":\"error\""u8)
           || evt.StartsWith("event: error"u8) || evt.StartsWith("event:error"u8);

    /// <summary>Returns the index just past the first blank line (LF LF, CR CR, CRLF CRLF or mixes), or -1.</summary>
    private static int EventEnd(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (true)
        {
            var next = bytes[i..].IndexOfAny((byte)'\n', (byte)'\r');
            if (next < 0)
            {
                return -1;
            }
            i += next;
            // One line break: CRLF counts as one.
            var lineEnd = bytes[i] == (byte)'\r' && i + 1 < bytes.Length && bytes[i + 1] == (byte)'\n' ? i + 2 : i + 1;
            if (bytes[i] == (byte)'\r' && i + 1 == bytes.Length)
            {
                return -1; // a CR at the end may be the first half of a CRLF
            }
            if (lineEnd < bytes.Length && bytes[lineEnd] is (byte)'\n' or (byte)'\r')
            {
                var blankEnd = bytes[lineEnd] == (byte)'\r' && lineEnd + 1 < bytes.Length && bytes[lineEnd + 1] == (byte)'\n' ? lineEnd + 2 : lineEnd + 1;
                return blankEnd;
            }
            if (lineEnd >= bytes.Length)
            {
                return -1;
            }
            i = lineEnd;
        }
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    private static HeldSseBody Keep(ref byte[] buffer, int filled, Task<int>? pending, Stream inner)
    {
        var body = new HeldSseBody(buffer, filled, pending, inner);
        buffer = null!; // owned by the held body now
        return body;
    }
}
