using AiProxy.Streaming;

namespace AiProxy.Caching;

/// <summary>
/// Records one upstream answer as the leader's client receives it and broadcasts it to coalesced followers: they replay
/// from segment 0 and then wait for more. Written only by the leader's request thread; read by any number of followers.
/// </summary>
internal sealed class ResponseRecording : IUpstreamResponseObserver
{
    private readonly object _lock = new();
    private readonly List<byte[]> _segments = [];
    private readonly IUpstreamResponseFeature _leader;
    private readonly long _maxEntryBytes;
    private readonly TimeProvider _time;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;
    private RecordingState _state;

    public ResponseRecording(IUpstreamResponseFeature leader, long maxEntryBytes, TimeProvider time)
    {
        _leader = leader;
        _maxEntryBytes = maxEntryBytes;
        _time = time;
    }

    /// <summary>Gets the upstream status (0 until started).</summary>
    public int StatusCode { get; private set; }

    /// <summary>Gets the upstream content type (null until started).</summary>
    public string? ContentType { get; private set; }

    /// <summary>Gets a value indicating whether the answer is an SSE stream (valid once started).</summary>
    public bool IsEventStream { get; private set; }

    /// <summary>Gets a value indicating whether the answer started with status 200.</summary>
    public bool IsOkStream => StatusCode == 200;

    /// <summary>Gets the usage the leader's upstream reported so far (set before the terminal SSE event).</summary>
    public TokenUsage? Usage => _leader.Usage;

    /// <summary>Gets the complete answer once it succeeded (null before, or when it failed).</summary>
    public CachedResponse? Result { get; private set; }

    /// <summary>Gets a value indicating whether the recorded answer fits the entry size bound.</summary>
    public bool Storable => _bytes <= _maxEntryBytes;

    public void OnStarted(int statusCode, string? contentType, bool isEventStream)
    {
        lock (_lock)
        {
            StatusCode = statusCode;
            ContentType = contentType;
            IsEventStream = isEventStream;
            _segments.Clear();
            _bytes = 0;
        }
        Signal();
    }

    public void OnData(ReadOnlySpan<byte> data)
    {
        var copy = data.ToArray();
        lock (_lock)
        {
            if (_state != RecordingState.Running)
            {
                return;
            }
            _segments.Add(copy);
            _bytes += copy.Length;
        }
        Signal();
    }

    public void OnCompleted(bool success)
    {
        lock (_lock)
        {
            if (_state != RecordingState.Running)
            {
                return;
            }
            if (success && StatusCode == 200 && _segments.Count > 0)
            {
                Result = Build();
                _state = RecordingState.Succeeded;
            }
            else
            {
                _state = RecordingState.Failed;
            }
        }
        Signal();
    }

    /// <summary>Marks the answer failed unless it already completed (no upstream answer reached the observers, or an exception).</summary>
    public void EnsureCompleted() => OnCompleted(false);

    /// <summary>Copies the segments from <paramref name="from"/> on into <paramref name="into"/>; returns the state and a task that completes on the next change.</summary>
    public RecordingState Read(int from, List<byte[]> into, out Task changed)
    {
        lock (_lock)
        {
            for (var i = from; i < _segments.Count; i++)
            {
                into.Add(_segments[i]);
            }
            changed = _changed.Task;
            return _state;
        }
    }

    /// <summary>Waits until the answer succeeded or failed.</summary>
    public async Task<RecordingState> WaitCompletedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_state != RecordingState.Running)
                {
                    return _state;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the upstream status is known (or the answer ended without one).</summary>
    public async Task WaitStartedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (StatusCode != 0 || _state != RecordingState.Running)
                {
                    return;
                }
                changed = _changed.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private CachedResponse Build()
    {
        byte[][] segments;
        if (IsEventStream)
        {
            segments = [.. _segments];
        }
        else
        {
            var body = new byte[_bytes];
            var at = 0;
            foreach (var segment in _segments)
            {
                segment.CopyTo(body, at);
                at += segment.Length;
            }
            segments = [body];
        }
        return new CachedResponse(ContentType ?? (IsEventStream ? "text/event-stream" : "application/json"), IsEventStream, segments,
            _leader.Usage, _time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }
}

/// <summary>Where a recorded answer stands.</summary>
internal enum RecordingState
{
    Running,
    Succeeded,
    Failed,
}
