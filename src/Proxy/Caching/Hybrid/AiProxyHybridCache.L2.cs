using Microsoft.Extensions.Caching.Distributed;

namespace AiProxy.Caching.Hybrid;

/// <remarks>
/// Every L2 call is bounded by <see cref="AiProxyHybridCacheOptions.DistributedCacheOperationTimeout"/>; any failure is
/// logged, counted and opens a back-off window during which L2 is skipped entirely, so a down or hung Redis costs each
/// request at most one timeout per window and never an error.
/// </remarks>
internal sealed partial class AiProxyHybridCache
{
    private const long NotBackingOff = long.MinValue;

    private readonly long _l2BackoffTicks;
    private long _l2RetryAfterTimestamp = NotBackingOff;

    private bool L2Usable()
    {
        if (_l2 is null) return false;
        var retryAfter = Volatile.Read(ref _l2RetryAfterTimestamp);
        if (retryAfter == NotBackingOff) return true;
        if (_time.GetTimestamp() < retryAfter) return false;
        if (Interlocked.CompareExchange(ref _l2RetryAfterTimestamp, NotBackingOff, retryAfter) == retryAfter)
        {
            Log.DistributedCacheRetry(_logger);
        }
        return true;
    }

    private async ValueTask<(CacheItem? Item, bool Failed)> ReadL2ItemAsync(string key, CancellationToken cancellationToken)
    {
        var (bytes, failed) = await ReadL2Async(key, "get", cancellationToken).ConfigureAwait(false);
        if (bytes is null) return (null, failed);
        var item = CachePayload.TryParse(bytes);
        if (item is null)
        {
            Log.PayloadUnreadable(_logger, "l2", "unknown format");
        }
        return (item, false);
    }

    private async ValueTask<(byte[]? Bytes, bool Failed)> ReadL2Async(string key, string operation, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await _l2!.GetAsync(key, cancellationToken)
                .WaitAsync(_options.DistributedCacheOperationTimeout, _time, cancellationToken).ConfigureAwait(false);
            return (bytes, false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            OnL2Failure(operation, ex);
            return (null, true);
        }
    }

    private ValueTask WriteL2Async(string key, CacheItem item, TimeSpan expiration, CancellationToken cancellationToken)
    {
        var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = expiration };
        return RunL2Async(static (l2, s, ct) => l2.SetAsync(s.Key, s.Buffer, s.Options, ct), (Key: key, item.Buffer, Options: entryOptions), "set", cancellationToken);
    }

    private ValueTask RemoveL2Async(string key, CancellationToken cancellationToken)
        => RunL2Async(static (l2, k, ct) => l2.RemoveAsync(k, ct), key, "remove", cancellationToken);

    /// <summary>Runs a write-side L2 operation; it never throws, since the value is already in hand and L1 is written.</summary>
    private async ValueTask RunL2Async<TState>(Func<IDistributedCache, TState, CancellationToken, Task> operation, TState state, string name, CancellationToken cancellationToken)
    {
        try
        {
            await operation(_l2!, state, cancellationToken)
                .WaitAsync(_options.DistributedCacheOperationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up; not a Redis fault.
        }
        catch (Exception ex)
        {
            OnL2Failure(name, ex);
        }
    }

    private void OnL2Failure(string operation, Exception exception)
    {
        _metrics.L2Error(operation);
        var now = _time.GetTimestamp();
        var previous = Interlocked.Exchange(ref _l2RetryAfterTimestamp, now + _l2BackoffTicks);
        // Log once per outage window, not once per request.
        if (previous == NotBackingOff || previous <= now)
        {
            Log.DistributedCacheFailed(_logger, operation, exception.GetType().Name, _options.DistributedCacheFailureBackoff);
        }
    }
}
