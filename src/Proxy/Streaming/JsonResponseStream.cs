namespace AiProxy.Streaming;

/// <summary>
/// Passes a non-streaming upstream body through unchanged while the usage meter keeps a bounded copy and the request's
/// answer observers (the cache) see each chunk.
/// </summary>
internal sealed class JsonResponseStream : ReadOnlyStreamBase
{
    private readonly Stream _inner;
    private readonly JsonUsageMeter _meter;
    private readonly List<IUpstreamResponseObserver>? _observers;
    private bool _completed;

    public JsonResponseStream(Stream inner, IUpstreamResponseFeature request, int maxObservedBytes)
    {
        _inner = inner;
        _meter = new JsonUsageMeter(request, maxObservedBytes);
        _observers = request.Observers;
    }

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
            _meter.OnEnded();
            // A body too large to meter is not recorded either, nor one that is not JSON (an upstream's HTML error page
            // under 200 passes through to the client, but must not be cached and replayed).
            Complete(success: !_meter.Overflowed && (_observers is null || _meter.IsWellFormedJson()));
            return 0;
        }

        var chunk = buffer.Span[..read];
        _meter.OnData(chunk);
        if (_observers is { } observers)
        {
            foreach (var observer in observers)
            {
                observer.OnData(chunk);
            }
        }
        return read;
    }

    private void Complete(bool success)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        if (_observers is { } observers)
        {
            foreach (var observer in observers)
            {
                observer.OnCompleted(success);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            Complete(success: false);
        }
        _meter.Dispose();
        base.Dispose(disposing);
    }
}
