namespace AiProxy.Caching.Semantic;

/// <summary>
/// The next <c>length</c> bytes of a file stream as a read-only, forward-only stream that owns the file: an embedded
/// resource inside its DLL, read in buffered chunks by a parser instead of copied whole into a managed array.
/// </summary>
internal sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly BufferedStream _buffered;
    private readonly long _length;
    private long _position;

    public BoundedReadStream(Stream inner, long length)
    {
        _inner = inner;
        _buffered = new BufferedStream(inner, 81920);
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var remaining = _length - _position;
        if (remaining <= 0)
        {
            return 0;
        }

        var read = _buffered.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
        _position += read;
        return read;
    }

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
            _buffered.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
