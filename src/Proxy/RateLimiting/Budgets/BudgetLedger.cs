using System.Collections.Concurrent;
using AiProxy.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// Keeps budgets in Redis when it is configured and healthy (exact across replicas, kept across restarts), otherwise in
/// process. While configured Redis is unavailable each replica enforces <c>limit / ExpectedReplicas</c> of what is left to
/// it locally and tries Redis again after <see cref="RateLimitingOptions.RedisRetryInterval"/>.
/// </summary>
internal sealed partial class BudgetLedger : IBudgetLedger
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromDays(1);

    private readonly RedisFallbackGate? _redis;
    private readonly RateLimitingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BudgetMetrics _metrics;
    private readonly LocalBudgetStore _local = new();
    private readonly LocalBudgetStore _fallback = new();
    private readonly ConcurrentDictionary<string, (ClientBudget Budget, BudgetSlot[] Slots)> _slots = new(StringComparer.Ordinal);
    private int _warnedLocal;

    public BudgetLedger(IOptions<RateLimitingOptions> options, BudgetMetrics metrics, ILogger<BudgetLedger> logger, TimeProvider? timeProvider = null,
        IRedisConnection? redis = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _redis = redis is { IsConfigured: true }
            ? new RedisFallbackGate(redis, _options.RedisRetryInterval,
                reason => Log.FallbackEntered(_logger, reason, _options.ExpectedReplicas), () => Log.FallbackExited(_logger))
            : null;
        metrics.SetLocal(_redis is null);
    }

    /// <summary>Gets a value indicating whether budgets are shared through Redis (when it is reachable).</summary>
    internal bool IsShared => _redis is not null;

    public ValueTask<BudgetDecision> ReserveAsync(string clientId, ClientBudget budget, BudgetCharge estimate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(budget);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var slots = SlotsFor(clientId, budget, now);
        estimate = new BudgetCharge(Math.Max(0, estimate.Tokens), Math.Max(0, estimate.NanoUsd));
        if (_redis is null)
        {
            WarnLocalOnce();
            return new(Complete(clientId, budget, slots, _local.Reserve(slots, budget, estimate, share: 1, _metrics, clientId)));
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var db = _redis.TryGetDatabase(nowMs);
        if (db is null)
        {
            return new(ReserveFallback(clientId, budget, slots, estimate));
        }
        return ReserveRedisAsync(db, clientId, budget, slots, estimate, now, cancellationToken);
    }

    private BudgetDecision ReserveFallback(string clientId, ClientBudget budget, BudgetSlot[] slots, BudgetCharge estimate)
    {
        _metrics.Fallback();
        return Complete(clientId, budget, slots, _fallback.Reserve(slots, budget, estimate, Math.Max(1, _options.ExpectedReplicas), _metrics, clientId));
    }

    private BudgetDecision Complete(string clientId, ClientBudget budget, BudgetSlot[] slots, BudgetDecision decision)
    {
        if (!decision.IsAllowed) _metrics.Refused(clientId, BudgetMetrics.BudgetReason);
        _metrics.Record(clientId, budget, slots, decision);
        return decision;
    }

    /// <summary>The client's tracked windows at <paramref name="now"/>, reused until one of them ends (ids and keys are built once per window).</summary>
    private BudgetSlot[] SlotsFor(string clientId, ClientBudget budget, DateTimeOffset now)
    {
        // A reload compiles a new budget object: its windows (zone, limits) are rebuilt.
        if (_slots.TryGetValue(clientId, out var cached) && ReferenceEquals(cached.Budget, budget) && Current(cached.Slots, now))
        {
            return cached.Slots;
        }
        var list = new List<BudgetSlot>(3);
        var tag = _options.RedisKeyPrefix + "{" + clientId.Replace('{', '_').Replace('}', '_') + "}:b:";
        foreach (var window in (ReadOnlySpan<BudgetWindow>)[BudgetWindow.Hour, BudgetWindow.Day, BudgetWindow.Month])
        {
            if (budget.Tracks(window))
            {
                var (id, start, end) = BudgetCalendar.Window(window, now, budget.Zone);
                list.Add(new BudgetSlot(window, id, start, end, tag + id));
            }
        }
        var slots = list.ToArray();
        _slots[clientId] = (budget, slots);
        return slots;
    }

    private static bool Current(BudgetSlot[] slots, DateTimeOffset now)
    {
        foreach (var slot in slots)
        {
            if (!slot.Contains(now)) return false;
        }
        return true;
    }

    internal void WarnLocal() => WarnLocalOnce();

    private void WarnLocalOnce()
    {
        if (Interlocked.Exchange(ref _warnedLocal, 1) == 0) Log.LocalBudgets(_logger);
    }

    internal long TtlMs(BudgetSlot slot, DateTimeOffset now) => (long)(slot.End - now + ExpiryMargin).TotalMilliseconds;
}
