namespace AiProxy.Streaming;

/// <summary>
/// An upstream SSE body as the client receives it: whole events only (<see cref="SseFramer"/>), each passed through the
/// observers in order, and after a failure an error event (<see cref="SseErrorEventWriter"/>) instead of a truncated body.
/// Upstreams write whole events per flush, so holding back an incomplete event adds no latency in practice.
/// </summary>
internal sealed class SseEventStream : ReadOnlyStreamBase
{
    private readonly Stream _inner;
    private readonly CancellationToken _clientAborted;
    private readonly CancellationToken _streamsEnding;
    private readonly ISseEventObserver[] _observers;
    private readonly SseErrorEventWriter _ending;
    private readonly SseFramer _framer = new();
    private byte[]? _error;
    private int _errorOffset;
    private bool _upstreamEnded;
    private bool _completed;
    private bool _disposed;
    private CancellationTokenSource? _readCancel; // the read token linked with _streamsEnding, made once per stream
    private CancellationToken _readCancelFor;

    /// <param name="inner">The upstream body.</param>
    /// <param name="observers">The jobs on each event, in order; an observer that drops an event hides it from the rest.</param>
    /// <param name="ending">Sees the events the client gets and writes the error event after a failure.</param>
    /// <param name="clientAborted">The client's abort: a cancellation by it is not an upstream failure.</param>
    /// <param name="streamsEnding">Fires when the proxy is about to stop: the stream then ends with an error event.</param>
    public SseEventStream(Stream inner, ISseEventObserver[] observers, SseErrorEventWriter ending, CancellationToken clientAborted, CancellationToken streamsEnding = default)
    {
        _inner = inner;
        _observers = observers;
        _ending = ending;
        _clientAborted = clientAborted;
        _streamsEnding = streamsEnding;
        foreach (var observer in observers)
        {
            observer.OnStarted();
        }
    }

    /// <summary>
    /// The stream of one upstream answer with the usual jobs: usage metering (raw events), the injected usage chunk taken
    /// out when <see cref="IUpstreamResponseFeature.StripUsageChunk"/>, the request's answer observers, then <paramref name="metrics"/>.
    /// </summary>
    public static SseEventStream Create(Stream inner, bool expectDone, CancellationToken clientAborted, IUpstreamResponseFeature? request = null,
        ISseEventObserver? metrics = null, CancellationToken streamsEnding = default)
    {
        var strip = request is { StripUsageChunk: true };
        var relay = request?.Observers is { } list ? new ResponseObserverRelay(list) : null;
        var observers = new ISseEventObserver[(request is null ? 0 : 1) + (strip ? 1 : 0) + (relay is null ? 0 : 1) + (metrics is null ? 0 : 1)];
        var i = 0;
        if (request is not null)
        {
            observers[i++] = new SseUsageMeter(request);
        }
        if (strip)
        {
            observers[i++] = UsageChunkStripper.Instance;
        }
        if (relay is not null)
        {
            observers[i++] = relay;
        }
        if (metrics is not null)
        {
            observers[i] = metrics;
        }
        return new SseEventStream(inner, observers, new SseErrorEventWriter(expectDone), clientAborted, streamsEnding);
    }

    /// <summary>Gets a value indicating whether the upstream stream failed or ended without its terminator.</summary>
    public bool Failed => _error is not null;

    /// <summary>Gets a value indicating whether the stream ended normally.</summary>
    public bool Completed => _upstreamEnded && _error is null;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_framer.HasReady)
            {
                return _framer.CopyReady(destination.Span);
            }
            if (_upstreamEnded)
            {
                return HandOutEnding(destination.Span);
            }
            if (_streamsEnding.IsCancellationRequested)
            {
                EndWithError(SseErrorEventWriter.ShuttingDown());
                continue;
            }

            int read;
            try
            {
                read = await _inner.ReadAsync(_framer.GetReadBuffer(), ReadToken(cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !_clientAborted.IsCancellationRequested)
            {
                EndWithError(_streamsEnding.IsCancellationRequested
                    ? SseErrorEventWriter.ShuttingDown()
                    : SseErrorEventWriter.UpstreamFailed(timeout: ex is OperationCanceledException));
                continue;
            }

            if (read == 0)
            {
                OnUpstreamEnded();
                continue;
            }
            _framer.Advance(read);
            FrameEvents();
        }
    }

    /// <summary>Ends the stream after the events already framed; the partial event (if any) is dropped: half a JSON chunk would fail the client's parser.</summary>
    private void EndWithError(byte[] error)
    {
        _framer.DropPartial();
        _error = error;
        _upstreamEnded = true;
    }

    /// <summary>The token for an upstream read: YARP's, linked once per stream with the shutdown's when there is one.</summary>
    private CancellationToken ReadToken(CancellationToken token)
    {
        if (!_streamsEnding.CanBeCanceled)
        {
            return token;
        }
        if (_readCancel is null || _readCancelFor != token)
        {
            _readCancel?.Dispose();
            _readCancel = CancellationTokenSource.CreateLinkedTokenSource(token, _streamsEnding);
            _readCancelFor = token;
        }
        return _readCancel.Token;
    }

    private void FrameEvents()
    {
        while (_framer.TryNext(out var evt))
        {
            _framer.Commit(Observe(evt));
        }
    }

    private int Observe(Span<byte> evt)
    {
        var kept = evt.Length;
        foreach (var observer in _observers)
        {
            kept = observer.OnEvent(evt[..kept]);
            if (kept == 0)
            {
                return 0;
            }
        }
        return _ending.OnEvent(evt[..kept]);
    }

    private void OnUpstreamEnded()
    {
        _upstreamEnded = true;
        var openTail = false;
        if (_framer.TryTakeTail(out var tail))
        {
            // A last event without its blank line: hand it out as the upstream sent it.
            var kept = Observe(tail);
            _framer.Commit(kept);
            openTail = kept > 0;
        }
        _error = _ending.UpstreamEnded(openTail);
    }

    private int HandOutEnding(Span<byte> destination)
    {
        if (_error is not null && _errorOffset < _error.Length)
        {
            var n = Math.Min(destination.Length, _error.Length - _errorOffset);
            _error.AsSpan(_errorOffset, n).CopyTo(destination);
            _errorOffset += n;
            return n;
        }
        Complete(success: _error is null);
        return 0;
    }

    private void Complete(bool success)
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        foreach (var observer in _observers)
        {
            observer.OnCompleted(success);
        }
        _ending.OnCompleted(success);
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            // Disposed before the end (client gone): whatever was seen is partial.
            Complete(success: false);
            if (disposing)
            {
                _inner.Dispose();
            }
            _framer.Dispose();
            _readCancel?.Dispose();
        }
        base.Dispose(disposing);
    }
}
