using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Transforms.Keys;

/// <summary>The upstream API keys of one provider: picks a key per request and tracks each key's quota, cooldown and health.</summary>
/// <remarks>Thread-safe without a pool-wide lock: the key list is an immutable snapshot and each key guards its own state.</remarks>
public sealed partial class UpstreamKeyPool : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long _origin;
    private volatile PoolSettings _settings;
    private volatile KeyEntry[] _keys = [];
    private int _cursor = -1;

    /// <summary>Creates the pool and loads its keys now; <c>file:</c> keys are then watched when <see cref="UpstreamKeyPoolOptions.WatchFiles"/> is set.</summary>
    public UpstreamKeyPool(string providerName, UpstreamKeyPoolOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ProviderName = providerName;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _origin = _timeProvider.GetTimestamp();
        _settings = new PoolSettings(options);
        lock (_reloadGate)
        {
            ConfigureWatchersLocked(_settings);
            ReloadLocked();
        }
    }

    /// <summary>Gets the provider name used in logs and error messages.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the strategy in force.</summary>
    public KeyStrategy Strategy => _settings.Strategy;

    /// <summary>Gets how many distinct keys the pool holds (including disabled ones).</summary>
    public int Count => _keys.Length;

    /// <summary>Leases a key for a request expected to use <paramref name="estimatedTokens"/> tokens.</summary>
    /// <returns><see langword="false"/> when no key can take the request; <paramref name="retryAfter"/> is then the delay until the soonest key recovers, or <see cref="Timeout.InfiniteTimeSpan"/> when none will (see <see cref="DescribeUnavailable"/>).</returns>
    public bool TryAcquire(long estimatedTokens, [NotNullWhen(true)] out KeyLease? lease, out TimeSpan retryAfter)
    {
        var result = Acquire(estimatedTokens);
        lease = result.Lease;
        retryAfter = result.RetryAfter;
        return lease is not null;
    }

    /// <summary>Leases a key for a request expected to use <paramref name="estimatedTokens"/> tokens, or says why none is usable.</summary>
    /// <param name="estimatedTokens">The request's token estimate.</param>
    /// <param name="priority">The client's class: keys reserved for a higher class are skipped.</param>
    public KeyAcquireResult Acquire(long estimatedTokens, PriorityClass priority = PriorityClass.Normal)
    {
        var keys = _keys;
        if (keys.Length == 0)
        {
            return new KeyAcquireResult(KeyAcquireStatus.NoUsableKey, null, Timeout.InfiniteTimeSpan);
        }

        var settings = _settings;
        var tokens = Math.Max(0, estimatedTokens);
        var now = Now();
        var count = keys.Length;
        // Rotating the scan start spreads ties (and round-robin) across keys.
        var start = (int)((uint)Interlocked.Increment(ref _cursor) % (uint)count);
        Span<bool> excluded = count <= 256 ? stackalloc bool[count] : new bool[count];
        var soonest = long.MaxValue;

        // Each pass picks the best candidate; a lost race on its lock excludes it and tries again.
        for (var pass = 0; pass < count; pass++)
        {
            var best = PickCandidate(keys, start, excluded, now, tokens, settings, priority, ref soonest);
            if (best < 0)
            {
                break;
            }

            var chosen = keys[best];
            if (chosen.TryReserve(now, tokens, settings, out var windowStart, out var isProbe, out var chosenRecoverAt))
            {
                return new KeyAcquireResult(KeyAcquireStatus.Acquired, new KeyLease(this, chosen, tokens, windowStart, isProbe), TimeSpan.Zero);
            }

            excluded[best] = true;
            soonest = Math.Min(soonest, chosenRecoverAt);
        }

        if (soonest == long.MaxValue)
        {
            return new KeyAcquireResult(KeyAcquireStatus.NoUsableKey, null, Timeout.InfiniteTimeSpan);
        }

        return new KeyAcquireResult(KeyAcquireStatus.Exhausted, null, TimeSpan.FromTicks(Math.Max(0, soonest - now)));
    }

    /// <summary>Scans the keys from <paramref name="start"/> and returns the index of the best usable one, or -1.</summary>
    /// <remarks>Keys that cannot take the request are marked in <paramref name="excluded"/>; <paramref name="soonest"/> tracks the earliest recovery.</remarks>
    private static int PickCandidate(
        KeyEntry[] keys, int start, Span<bool> excluded, long now, long tokens, PoolSettings settings, PriorityClass priority, ref long soonest)
    {
        var count = keys.Length;
        var best = -1;
        var bestScore = double.NegativeInfinity;
        var bestInFlight = int.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var index = start + i;
            if (index >= count)
            {
                index -= count;
            }

            if (excluded[index])
            {
                continue;
            }

            var entry = keys[index];
            if (!entry.Admits(priority))
            {
                excluded[index] = true;
                continue;
            }

            if (!entry.TryEvaluate(now, tokens, settings, out var headroom, out var recoverAt))
            {
                excluded[index] = true;
                soonest = Math.Min(soonest, recoverAt);
                continue;
            }

            if (settings.Strategy == KeyStrategy.RoundRobin)
            {
                return index;
            }

            var score = settings.Strategy == KeyStrategy.QuotaAware ? headroom : 0;
            var inFlight = entry.InFlight;
            if (score > bestScore || (score == bestScore && inFlight < bestInFlight))
            {
                best = index;
                bestScore = score;
                bestInFlight = inFlight;
            }
        }

        return best;
    }

    /// <summary>Returns an operator-facing reason why no key can be used, e.g. <c>provider 'openai' has no usable API key: set environment variable OPENAI_API_KEY</c>.</summary>
    public string DescribeUnavailable()
    {
        var keys = _keys;
        if (keys.Length == 0)
        {
            var problems = _problems;
            return problems.Count == 0
                ? $"provider '{ProviderName}' has no usable API key: add one to its Keys list"
                : $"provider '{ProviderName}' has no usable API key: {string.Join("; or ", problems.Select(static p => p.Remedy))}";
        }

        var disabled = keys.Where(static k => k.IsDisabled).Select(static k => k.Fingerprint).ToArray();
        if (disabled.Length == keys.Length)
        {
            return $"provider '{ProviderName}' has no usable API key: the upstream rejected every key ({string.Join(", ", disabled)}) with 401/403 naming the key; replace them";
        }

        return $"provider '{ProviderName}': all {keys.Length} API keys are rate limited or failing";
    }

    /// <summary>Returns a snapshot of every key for metrics (fingerprints, never keys).</summary>
    public IReadOnlyList<KeyStatus> GetKeyStatuses()
    {
        var keys = _keys;
        var settings = _settings;
        var now = Now();
        var statuses = new KeyStatus[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            statuses[i] = keys[i].GetStatus(now, settings);
        }

        return statuses;
    }

    internal void OnResponse(KeyEntry entry, int statusCode, KeyErrorKind error, in ResponseHeaderReader headers, bool isProbe)
    {
        var settings = _settings;
        var events = entry.OnResponse(Now(), _timeProvider.GetUtcNow(), statusCode, error, headers, isProbe, settings, out var cooldown);
        LogEvents(entry, events, statusCode, cooldown, settings);
    }

    internal void OnFailure(KeyEntry entry, bool isProbe)
    {
        var settings = _settings;
        LogEvents(entry, entry.OnFailure(Now(), isProbe, settings), 0, TimeSpan.Zero, settings);
    }

    private void LogEvents(KeyEntry entry, KeyOutcomeEvents events, int statusCode, TimeSpan cooldown, PoolSettings settings)
    {
        if (events == KeyOutcomeEvents.None)
        {
            return;
        }

        if ((events & KeyOutcomeEvents.Disabled) != 0)
        {
            Log.KeyDisabled(_logger, ProviderName, entry.Fingerprint, statusCode);
        }

        if ((events & KeyOutcomeEvents.QuotaExhausted) != 0)
        {
            Log.KeyQuotaExhausted(_logger, ProviderName, entry.Fingerprint, statusCode, cooldown);
        }

        if ((events & KeyOutcomeEvents.CoolingDown) != 0)
        {
            Log.KeyCoolingDown(_logger, ProviderName, entry.Fingerprint, cooldown);
        }

        if ((events & KeyOutcomeEvents.CircuitOpened) != 0)
        {
            Log.CircuitOpened(_logger, ProviderName, entry.Fingerprint, TimeSpan.FromTicks(settings.BreakTicks));
        }

        if ((events & KeyOutcomeEvents.CircuitClosed) != 0)
        {
            Log.CircuitClosed(_logger, ProviderName, entry.Fingerprint);
        }
    }

    private long Now() => _timeProvider.GetElapsedTime(_origin).Ticks;
}
