using AiProxy.Redis;
using StackExchange.Redis;

namespace AiProxy.RateLimiting;

/// <summary>
/// Decides, for a store kept in Redis with a local fallback (the per-minute limiter, the budget ledger), whether a call
/// goes to Redis now: after a failed call it stays local for <c>RateLimiting.RedisRetryInterval</c>, and it reports
/// entering and leaving the local mode once each (lock-free).
/// </summary>
internal sealed class RedisFallbackGate
{
    private readonly IRedisConnection _redis;
    private readonly long _retryIntervalMs;
    private readonly Action<string> _entered;
    private readonly Action _exited;
    private long _retryAtMs;
    private int _inFallback;

    /// <param name="redis">The configured connection.</param>
    /// <param name="retryInterval">How long a failed call keeps the store local.</param>
    /// <param name="entered">Called once on entering the local mode, with the reason.</param>
    /// <param name="exited">Called once on leaving it.</param>
    public RedisFallbackGate(IRedisConnection redis, TimeSpan retryInterval, Action<string> entered, Action exited)
    {
        _redis = redis;
        _retryIntervalMs = (long)retryInterval.TotalMilliseconds;
        _entered = entered;
        _exited = exited;
    }

    /// <summary>Gets a value indicating whether the store decides locally since its last failed or skipped call.</summary>
    public bool IsInFallback => Volatile.Read(ref _inFallback) == 1;

    /// <summary>Returns the database to call at <paramref name="nowMs"/>, or null (then the local mode is entered) while the retry interval runs or Redis is not connected.</summary>
    public IDatabase? TryGetDatabase(long nowMs)
    {
        var db = PeekDatabase(nowMs);
        if (db is null)
        {
            Enter("not connected");
        }
        return db;
    }

    /// <summary>Returns the database to call at <paramref name="nowMs"/> without changing the mode (for reads that decide nothing).</summary>
    public IDatabase? PeekDatabase(long nowMs) => nowMs >= Volatile.Read(ref _retryAtMs) ? _redis.TryGetDatabase() : null;

    /// <summary>Records a failed call (timeout, lost connection, script error): local until the retry interval has passed.</summary>
    public void Failed(long nowMs, string reason)
    {
        Volatile.Write(ref _retryAtMs, nowMs + _retryIntervalMs);
        Enter(reason);
    }

    /// <summary>Records a successful call: leaves the local mode.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _inFallback) == 1 && Interlocked.Exchange(ref _inFallback, 0) == 1)
        {
            _exited();
        }
    }

    private void Enter(string reason)
    {
        if (Interlocked.Exchange(ref _inFallback, 1) == 0)
        {
            _entered(reason);
        }
    }
}
