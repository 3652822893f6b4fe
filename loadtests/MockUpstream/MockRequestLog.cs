namespace AiProxy.MockUpstream;

/// <summary>Thread-safe, append-only list of received requests with waiters for "the Nth request arrived".</summary>
internal sealed class MockRequestLog
{
    private readonly object _gate = new();
    private readonly List<MockRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource<MockRequest> Tcs)> _waiters = [];
    private int _total;

    public int Count { get { lock (_gate) { return _total; } } }

    public IReadOnlyList<MockRequest> Snapshot() { lock (_gate) { return _requests.ToArray(); } }

    public void Add(MockRequest request, bool record)
    {
        List<TaskCompletionSource<MockRequest>>? ready = null;
        lock (_gate)
        {
            request.Index = _total++;
            if (!record) return;
            _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= _requests.Count)
                {
                    (ready ??= []).Add(_waiters[i].Tcs);
                    _waiters.RemoveAt(i);
                }
            }
        }
        if (ready is null) return;
        foreach (var tcs in ready) tcs.TrySetResult(request);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _total = 0;
        }
    }

    /// <summary>Completes with the request at 0-based <paramref name="index"/> once it arrived.</summary>
    public async Task<MockRequest> WaitForRequestAsync(int index, TimeSpan timeout)
    {
        TaskCompletionSource<MockRequest> tcs;
        lock (_gate)
        {
            if (index < _requests.Count) return _requests[index];
            tcs = new TaskCompletionSource<MockRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((index + 1, tcs));
        }
        if (await Task.WhenAny(tcs.Task, Task.Delay(timeout)).ConfigureAwait(false) != tcs.Task)
        {
            lock (_gate) { _waiters.RemoveAll(w => w.Tcs == tcs); }
            throw new TimeoutException($"The mock upstream did not receive request #{index} within {timeout}.");
        }
        lock (_gate) { return _requests[index]; }
    }
}
