using System.Buffers;
using AiProxy.Http;
using AiProxy.Pipeline;

namespace AiProxy.Streaming;

/// <summary>
/// Wraps an upstream SSE body so the client only ever receives whole events, and so a failed upstream ends the
/// stream with an OpenAI-style <c>data: {"error":…}</c> event instead of a truncated body or a fake <c>[DONE]</c>.
/// Upstreams write whole events per flush, so holding back an incomplete event adds no latency in practice.
/// </summary>
internal sealed class SseEventStream : Stream
{
    private const int InitialBuffer = 16 * 1024;

    private readonly Stream _inner;
    private readonly bool _expectDone;
    private readonly CancellationToken _clientAborted;
    private readonly AiRequestFeature? _feature;
    private byte[] _buffer;
    private int _start;      // first byte not yet handed out
    private int _ready;      // end of the complete events ready to hand out
    private int _end;        // end of bytes read from upstream
    private int _scanFrom;   // where the next boundary scan starts
    private byte[]? _error;
    private int _errorOffset;
    private bool _upstreamEnded;
    private bool _sawDone;
    private bool _disposed;

    private readonly Metrics.ProxyMetrics? _metrics;

    public SseEventStream(Stream inner, bool expectDone, CancellationToken clientAborted, AiRequestFeature? feature = null, Metrics.ProxyMetrics? metrics = null)
    {
        _metrics = metrics;
        _metrics?.StreamStarted();
        _inner = inner;
        _expectDone = expectDone;
        _clientAborted = clientAborted;
        _feature = feature;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    }

    /// <summary>Gets a value indicating whether the upstream stream failed or ended without its terminator.</summary>
    public bool Failed => _error is not null;

    /// <summary>Gets a value indicating whether the stream ended normally.</summary>
    public bool Completed => _upstreamEnded && _error is null;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_ready > _start)
            {
                var n = Math.Min(destination.Length, _ready - _start);
                _buffer.AsSpan(_start, n).CopyTo(destination.Span);
                _start += n;
                return n;
            }
            if (_error is not null)
            {
                var n = Math.Min(destination.Length, _error.Length - _errorOffset);
                _error.AsSpan(_errorOffset, n).CopyTo(destination.Span);
                _errorOffset += n;
                return n;
            }
            if (_upstreamEnded)
            {
                Complete();
                return 0;
            }

            EnsureSpace();
            int read;
            try
            {
                read = await _inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !_clientAborted.IsCancellationRequested)
            {
                // The partial event (if any) is dropped: half a JSON chunk would fail the client's parser.
                Fail(ex is OperationCanceledException
                    ? "The upstream provider stopped sending before the response was complete (timeout)."
                    : "The upstream provider's connection failed before the response was complete.");
                continue;
            }

            if (read == 0)
            {
                _upstreamEnded = true;
                if (_end > _ready)
                {
                    // A last event without its blank line: hand it out as the upstream sent it.
                    var tail = _ready;
                    _ready = _end;
                    _sawDone |= EndsWithDone(_end);
                    Observe(tail, _end);
                }
                if (_expectDone && !_sawDone)
                {
                    Fail("The upstream provider ended the stream before the response was complete.", needsSeparator: _end > _start && _buffer[_end - 1] != (byte)'\n');
                }
                continue;
            }

            _end += read;
            ScanForBoundary();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Fail(string message, bool needsSeparator = false)
    {
        var evt = ProxyErrors.SseErrorEvent(message, "server_error", "upstream_stream_error");
        if (needsSeparator)
        {
            var withSep = new byte[evt.Length + 2];
            withSep[0] = (byte)'\n';
            withSep[1] = (byte)'\n';
            evt.CopyTo(withSep, 2);
            evt = withSep;
        }
        else
        {
            // Drop the incomplete tail so the error event starts on an event boundary.
            _end = _ready;
        }
        _error = evt;
        _upstreamEnded = true;
    }

    private void ScanForBoundary()
    {
        var i = Math.Max(_scanFrom, _ready);
        while (i < _end)
        {
            var span = _buffer.AsSpan(0, _end);
            // Jump to the next line break (vectorized) instead of walking every byte.
            var next = span[i..].IndexOfAny((byte)'\n', (byte)'\r');
            if (next < 0)
            {
                i = _end;
                break;
            }
            i += next;
            var b = span[i];
            var boundaryEnd = -1;
            if (b == (byte)'\n' && i + 1 < _end && span[i + 1] == (byte)'\n')
            {
                boundaryEnd = i + 2;
            }
            else if (b == (byte)'\r' && i + 1 < _end && span[i + 1] == (byte)'\r')
            {
                boundaryEnd = i + 2;
            }
            else if (b == (byte)'\n' && i + 2 < _end && span[i + 1] == (byte)'\r' && span[i + 2] == (byte)'\n')
            {
                boundaryEnd = i + 3;
            }

            if (boundaryEnd < 0)
            {
                i++;
                continue;
            }

            // One whole event: [_ready, boundaryEnd).
            if (ShouldDrop(_ready, boundaryEnd))
            {
                var removed = boundaryEnd - _ready;
                Buffer.BlockCopy(_buffer, boundaryEnd, _buffer, _ready, _end - boundaryEnd);
                _end -= removed;
                i = _ready;
                continue;
            }
            if (_feature is { StripUsageChunk: true })
            {
                boundaryEnd -= RemoveNullUsage(_ready, boundaryEnd);
            }
            _sawDone |= EndsWithDone(boundaryEnd) || _lastEventWasError;
            Observe(_ready, boundaryEnd);
            _ready = boundaryEnd;
            i = boundaryEnd;
        }
        // Re-scan the last 2 bytes next time: a boundary may straddle two reads.
        _scanFrom = Math.Max(_ready, _end - 2);
    }

    /// <summary>Reads usage from the event and tells whether it is the usage chunk the proxy asked for on the client's behalf.</summary>
    private bool ShouldDrop(int start, int end)
    {
        var evt = _buffer.AsSpan(start, end - start);
        var data = SseEvents.DataOf(evt);
        // An upstream that reports its own failure in-band (OpenRouter does) has ended the stream properly.
        _lastEventWasError = data.StartsWith("{\"error\""u8);
        if (_feature is null || data.IsEmpty || data[0] != (byte)'{' || !TokenUsage.TryRead(data, out var usage))
        {
            return false;
        }
        _feature.Usage = usage;
        // The injected include_usage chunk is the one with "choices": [] and a usage object.
        return _feature.StripUsageChunk && data.IndexOf("\"choices\":[]"u8) >= 0;
    }

    private static ReadOnlySpan<byte> NullUsage => ",\"usage\":null"u8;

    /// <summary>
    /// With include_usage asked for on the client's behalf, upstreams add <c>"usage":null</c> to every chunk; the client
    /// did not ask for it, so it goes too. Returns how many bytes were removed from the event.
    /// </summary>
    private int RemoveNullUsage(int start, int end)
    {
        var at = _buffer.AsSpan(start, end - start).IndexOf(NullUsage);
        if (at < 0)
        {
            return 0;
        }
        var from = start + at + NullUsage.Length;
        Buffer.BlockCopy(_buffer, from, _buffer, start + at, _end - from);
        _end -= NullUsage.Length;
        return NullUsage.Length;
    }

    private void Observe(int start, int end)
    {
        if (_feature?.Observers is { } observers)
        {
            var evt = _buffer.AsSpan(start, end - start);
            foreach (var observer in observers)
            {
                observer.OnData(evt);
            }
        }
    }

    private bool _completed;
    private bool _lastEventWasError;

    private void Complete()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (_feature?.Observers is { } observers)
        {
            var success = _error is null;
            foreach (var observer in observers)
            {
                observer.OnCompleted(success);
            }
        }
    }


    private bool EndsWithDone(int end)
    {
        var span = _buffer.AsSpan(_ready, end - _ready).TrimEnd("\r\n"u8);
        return span.EndsWith("[DONE]"u8);
    }

    private void EnsureSpace()
    {
        if (_start == _end)
        {
            _start = _ready = _end = _scanFrom = 0;
        }
        if (_buffer.Length - _end >= 4096)
        {
            return;
        }
        var live = _end - _start;
        if (_start > 0 && _buffer.Length - live >= 4096)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, live);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, live + 4096));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, live);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _ready -= _start;
        _scanFrom = Math.Max(0, _scanFrom - _start);
        _end = live;
        _start = 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            _metrics?.StreamFinished();
            if (disposing)
            {
                _inner.Dispose();
            }
            if (!_completed && _feature?.Observers is { } observers)
            {
                // Disposed before the end (client gone): whatever was seen is partial.
                _completed = true;
                foreach (var observer in observers)
                {
                    observer.OnCompleted(false);
                }
            }
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
        base.Dispose(disposing);
    }
}
