using System.Buffers;

namespace AiProxy.Streaming;

/// <summary>
/// Cuts an SSE byte stream into whole events (an event ends at a blank line: LF LF, CR CR or LF CR LF, so CRLF CRLF
/// too) in one pooled buffer. It only frames: comment lines and every other byte pass through as they came.
/// </summary>
/// <remarks>
/// The buffer holds three regions: <c>[start, ready)</c> events ready to hand out, <c>[ready, end)</c> bytes read but
/// not yet framed. An event returned by <see cref="TryNext"/> may be shortened in place before <see cref="Commit"/>.
/// </remarks>
internal sealed class SseFramer : IDisposable
{
    private const int InitialBuffer = 16 * 1024;
    private const int MinRead = 4096;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start;    // first byte not yet handed out
    private int _ready;    // end of the framed events ready to hand out
    private int _end;      // end of bytes read from upstream
    private int _scanFrom; // where the next boundary scan starts
    private int _pending;  // end of the event returned by TryNext, until Commit

    /// <summary>Gets a value indicating whether framed bytes are waiting to be handed out.</summary>
    public bool HasReady => _ready > _start;

    /// <summary>Gets a value indicating whether bytes were read that do not (yet) form a whole event.</summary>
    public bool HasPartial => _end > _ready;

    /// <summary>Gets room for the next upstream read (at least 4 KiB; the buffer grows for large events).</summary>
    public Memory<byte> GetReadBuffer()
    {
        EnsureSpace();
        return _buffer.AsMemory(_end);
    }

    /// <summary>Records that <paramref name="count"/> bytes were read into <see cref="GetReadBuffer"/>.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>Finds the next whole event after the framed ones; call <see cref="Commit"/> before the next call.</summary>
    public bool TryNext(out Span<byte> evt)
    {
        var span = _buffer.AsSpan(0, _end);
        var i = Math.Max(_scanFrom, _ready);
        while (i < _end)
        {
            // Jump to the next line break (vectorised) instead of walking every byte.
            var next = span[i..].IndexOfAny((byte)'\n', (byte)'\r');
            if (next < 0)
            {
                break;
            }
            i += next;
            var boundaryEnd = BoundaryEnd(span, i);
            if (boundaryEnd > 0)
            {
                _pending = boundaryEnd;
                evt = span[_ready..boundaryEnd];
                return true;
            }
            i++;
        }
        // Re-scan the last 2 bytes next time: a boundary may straddle two reads.
        _scanFrom = Math.Max(_ready, _end - 2);
        evt = default;
        return false;
    }

    /// <summary>Takes the bytes after the last boundary as the final event (the upstream ended without a blank line).</summary>
    public bool TryTakeTail(out Span<byte> evt)
    {
        _pending = _end;
        evt = _buffer.AsSpan(_ready, _end - _ready);
        return !evt.IsEmpty;
    }

    /// <summary>Marks the event from <see cref="TryNext"/> ready, keeping its first <paramref name="keptLength"/> bytes (0 drops it).</summary>
    public void Commit(int keptLength)
    {
        var keptEnd = _ready + keptLength;
        if (keptEnd < _pending)
        {
            Buffer.BlockCopy(_buffer, _pending, _buffer, keptEnd, _end - _pending);
            _end -= _pending - keptEnd;
        }
        _ready = _scanFrom = keptEnd;
    }

    /// <summary>Forgets bytes that do not form a whole event (half a JSON chunk would fail the client's parser).</summary>
    public void DropPartial() => _end = _scanFrom = _ready;

    /// <summary>Copies ready bytes into <paramref name="destination"/>; returns how many.</summary>
    public int CopyReady(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _ready - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _start = _ready = _end = _scanFrom = _pending = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int BoundaryEnd(ReadOnlySpan<byte> span, int i)
    {
        var b = span[i];
        if (i + 1 < span.Length && span[i + 1] == b)
        {
            return i + 2; // LF LF or CR CR
        }
        if (b == (byte)'\n' && i + 2 < span.Length && span[i + 1] == (byte)'\r' && span[i + 2] == (byte)'\n')
        {
            return i + 3; // the LF of one CRLF, then CRLF
        }
        return -1;
    }

    private void EnsureSpace()
    {
        if (_start == _end)
        {
            _start = _ready = _end = _scanFrom = 0;
        }
        if (_buffer.Length - _end >= MinRead)
        {
            return;
        }
        var live = _end - _start;
        if (_start > 0 && _buffer.Length - live >= MinRead)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, live);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, live + MinRead));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, live);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        _ready -= _start;
        _scanFrom = Math.Max(0, _scanFrom - _start);
        _end = live;
        _start = 0;
    }
}
