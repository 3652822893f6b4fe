using AiProxy.Streaming;

namespace AiProxy.Upstream;

/// <summary>A read-only stream that returns bytes already read from <c>rest</c> before reading on from it.</summary>
internal sealed class PrefixedStream : ReadOnlyStreamBase
{
    private readonly byte[] _prefix;
    private readonly int _length;
    private readonly Stream _rest;
    private int _position;

    public PrefixedStream(byte[] prefix, int length, Stream rest)
    {
        _prefix = prefix;
        _length = length;
        _rest = rest;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < _length)
        {
            return CopyPrefix(buffer);
        }
        return _rest.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _position < _length ? new(CopyPrefix(buffer.Span)) : _rest.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rest.Dispose();
        }
        base.Dispose(disposing);
    }

    private int CopyPrefix(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _length - _position);
        _prefix.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }
}
