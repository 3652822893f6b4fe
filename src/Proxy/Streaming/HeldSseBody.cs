using System.Buffers;

namespace AiProxy.Streaming;

/// <summary>
/// An upstream body whose first bytes were read by <see cref="FirstEventProbe"/>: hands out those bytes, then the result
/// of the read that was still pending when the hold timed out (if any), then the rest of the upstream body.
/// </summary>
internal sealed class HeldSseBody : ReadOnlyStreamBase
{
    private readonly Stream _inner;
    private byte[]? _held;
    private int _offset;
    private int _count;
    private Task<int>? _pending;

    /// <param name="held">A pooled buffer this stream now owns.</param>
    /// <param name="count">How many bytes of <paramref name="held"/> are valid.</param>
    /// <param name="pending">A read of <paramref name="inner"/> into <paramref name="held"/> at <paramref name="count"/>, still running; or null.</param>
    /// <param name="inner">The upstream body, read on after the held bytes.</param>
    public HeldSseBody(byte[] held, int count, Task<int>? pending, Stream inner)
    {
        _held = held;
        _count = count;
        _pending = pending;
        _inner = inner;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_held is { } held)
        {
            if (_offset == _count && _pending is { } pending)
            {
                _pending = null;
                _count += await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (_offset < _count)
            {
                var n = Math.Min(destination.Length, _count - _offset);
                held.AsSpan(_offset, n).CopyTo(destination.Span);
                _offset += n;
                return n;
            }
            _held = null;
            ArrayPool<byte>.Shared.Return(held);
        }
        return await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            // A read still pending may yet write into the buffer: leave that one to the GC.
            if (_held is { } held && _pending is null or { IsCompleted: true })
            {
                ArrayPool<byte>.Shared.Return(held);
            }
            if (_pending is { IsFaulted: true } failed)
            {
                _ = failed.Exception; // the probe's failure, handed on but never read (the attempt was retried): observed here
            }
            _held = null;
        }
        base.Dispose(disposing);
    }
}
