using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;

namespace AiProxy.Caching.Hybrid;

internal sealed partial class AiProxyHybridCache
{
    // Keyed by key and flags, so a caller that e.g. forbids the factory never shares a flight with one that allows it.
    private readonly ConcurrentDictionary<(string Key, HybridCacheEntryFlags Flags), object> _inFlight = new();

    private ValueTask<T> GetOrCreateSharedAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        var flightKey = (key, flags);
        while (true)
        {
            if (_inFlight.TryGetValue(flightKey, out var existing))
            {
                if (existing is not StampedeState<T> typed)
                {
                    // Same key read as another type at the same moment: rare, so just don't share.
                    var solo = new StampedeState<T>();
                    _ = RunFlightAsync(flightKey, solo, registered: false, state, factory, options, tags);
                    return solo.WaitAsync(cancellationToken);
                }
                if (typed.TryAddCaller())
                {
                    return typed.WaitAsync(cancellationToken);
                }
                var replacement = new StampedeState<T>();
                if (_inFlight.TryUpdate(flightKey, replacement, existing))
                {
                    _ = RunFlightAsync(flightKey, replacement, registered: true, state, factory, options, tags);
                    return replacement.WaitAsync(cancellationToken);
                }
            }
            else
            {
                var created = new StampedeState<T>();
                if (_inFlight.TryAdd(flightKey, created))
                {
                    _ = RunFlightAsync(flightKey, created, registered: true, state, factory, options, tags);
                    return created.WaitAsync(cancellationToken);
                }
            }
        }
    }

    private async Task RunFlightAsync<TState, T>(
        (string Key, HybridCacheEntryFlags Flags) flightKey, StampedeState<T> flight, bool registered, TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        try
        {
            var value = await FetchAsync(flightKey.Key, state, factory, options, tags, flightKey.Flags, flight.SharedToken).ConfigureAwait(false);
            // L1 is written by now, so removing the flight first cannot let a late caller run the factory again.
            Unregister();
            flight.SetResult(value);
        }
        catch (OperationCanceledException) when (flight.SharedToken.IsCancellationRequested)
        {
            Unregister();
            flight.SetCanceled();
        }
        catch (Exception ex)
        {
            Unregister();
            flight.SetException(ex);
        }

        void Unregister()
        {
            if (registered)
            {
                _inFlight.TryRemove(new KeyValuePair<(string, HybridCacheEntryFlags), object>(flightKey, flight));
            }
        }
    }

    private async ValueTask<T> FetchAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CancellationToken cancellationToken)
    {
        // Another flight may have completed between the caller's L1 miss and this flight starting.
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0
            && TryGetL1(key, out var local) && CheckTags(local) == TagCheck.Valid && TryGetValue(local, "l1", out T localValue))
        {
            return localValue;
        }

        if ((flags & HybridCacheEntryFlags.DisableDistributedCacheRead) == 0 && L2Usable())
        {
            var (item, failed) = await ReadL2ItemAsync(key, cancellationToken).ConfigureAwait(false);
            if (!failed)
            {
                if (item is not null
                    && item.ExpiresUtcTicks > _time.GetUtcNow().UtcTicks
                    && await IsValidAsync(item, cancellationToken).ConfigureAwait(false)
                    && TryGetValue(item, "l2", out T remoteValue))
                {
                    _metrics.L2Hit();
                    if ((flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
                    {
                        SetL1(key, item, options);
                    }
                    return remoteValue;
                }
                _metrics.L2Miss();
            }
        }

        if ((flags & HybridCacheEntryFlags.DisableUnderlyingData) != 0)
        {
            return default!;
        }

        var value = await factory(state, cancellationToken).ConfigureAwait(false);
        await StoreAsync(key, value, options, tags, flags, cancellationToken).ConfigureAwait(false);
        return value;
    }
}
