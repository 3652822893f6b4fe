namespace AiProxy.Caching.Hybrid;

/// <summary>
/// One in-flight fetch shared by every concurrent caller of the same key: the work runs under its own token, which is
/// cancelled only when every caller that could cancel has done so.
/// </summary>
internal sealed class StampedeState<T>
{
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _callers = 1;

    public CancellationToken SharedToken => _cts.Token;

    /// <summary>Joins the flight; fails when every previous caller has already cancelled, so the caller must start a new one.</summary>
    public bool TryAddCaller()
    {
        while (true)
        {
            var current = Volatile.Read(ref _callers);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _callers, current + 1, current) == current) return true;
        }
    }

    public ValueTask<T> WaitAsync(CancellationToken cancellationToken)
    {
        var task = _completion.Task;
        if (task.IsCompleted || !cancellationToken.CanBeCanceled)
        {
            // A caller that cannot cancel keeps the shared work alive for good, which is what it needs.
            return new ValueTask<T>(task);
        }
        return WaitCancelableAsync(task, cancellationToken);
    }

    public void SetResult(T value) => _completion.TrySetResult(value);

    public void SetException(Exception exception) => _completion.TrySetException(exception);

    public void SetCanceled() => _completion.TrySetCanceled(_cts.Token);

    private async ValueTask<T> WaitCancelableAsync(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !task.IsCompleted)
        {
            RemoveCaller();
            throw;
        }
    }

    private void RemoveCaller()
    {
        if (Interlocked.Decrement(ref _callers) == 0)
        {
            _cts.Cancel();
        }
    }
}
