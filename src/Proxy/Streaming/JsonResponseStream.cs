using System.Buffers;
using AiProxy.Pipeline;

namespace AiProxy.Streaming;

/// <summary>
/// Passes a non-streaming upstream body through unchanged while keeping a pooled copy (up to a bound), so the
/// usage can be read at the end and observers (the cache) see the whole answer.
/// </summary>
internal sealed class JsonResponseStream : Stream
{
    private readonly Stream _inner;
    private readonly AiRequestFeature _feature;
    private readonly int _maxCopy;
    private byte[]? _copy;
    private int _length;
    private bool _overflow;
    private bool _completed;

    public JsonResponseStream(Stream inner, AiRequestFeature feature, int maxCopy)
    {
        _inner = inner;
        _feature = feature;
        _maxCopy = maxCopy;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // YARP's copier issues zero-byte reads to wait for data without holding a buffer: 0 here is not the end of the body.
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Complete(success: false);
            throw;
        }

        if (read == 0)
        {
            if (!_overflow && _copy is not null && TokenUsage.TryRead(_copy.AsSpan(0, _length), out var usage))
            {
                _feature.Usage = usage;
            }
            Complete(success: !_overflow);
            return 0;
        }

        var chunk = buffer.Span[..read];
        Keep(chunk);
        if (_feature.Observers is { } observers)
        {
            foreach (var observer in observers)
            {
                observer.OnData(chunk);
            }
        }
        return read;
    }

    private void Keep(ReadOnlySpan<byte> chunk)
    {
        if (_overflow)
        {
            return;
        }
        if (_length + chunk.Length > _maxCopy)
        {
            _overflow = true;
            return;
        }
        if (_copy is null || _copy.Length < _length + chunk.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_length + chunk.Length, Math.Min(_maxCopy, (_copy?.Length ?? 2048) * 2)));
            if (_copy is not null)
            {
                _copy.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_copy);
            }
            _copy = bigger;
        }
        chunk.CopyTo(_copy.AsSpan(_length));
        _length += chunk.Length;
    }

    private void Complete(bool success)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (_feature.Observers is { } observers)
        {
            foreach (var observer in observers)
            {
                observer.OnCompleted(success);
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            Complete(success: false);
        }
        if (_copy is not null)
        {
            ArrayPool<byte>.Shared.Return(_copy);
            _copy = null;
        }
        base.Dispose(disposing);
    }
}
