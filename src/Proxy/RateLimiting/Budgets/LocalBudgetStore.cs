using System.Collections.Concurrent;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// Budgets in process (no Redis, or Redis unavailable): the same counters as the Redis hashes, one lock per client window.
/// Spend kept here is lost on restart; the start-up warning and <c>aiproxy_budget_local</c> say so.
/// </summary>
internal sealed class LocalBudgetStore
{
    private readonly ConcurrentDictionary<string, Counters> _windows = new(StringComparer.Ordinal);
    private long _pruneAfterTicks = long.MinValue;

    public BudgetDecision Reserve(BudgetSlot[] slots, ClientBudget budget, BudgetCharge estimate, int share, BudgetMetrics metrics, string clientId)
    {
        Prune(slots);
        Span<long> used = stackalloc long[slots.Length * 3];
        var counters = new Counters[slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            counters[i] = _windows.GetOrAdd(slots[i].Key, static (_, end) => new Counters(end), slots[i].End);
        }

        var denied = 0;
        // One client's windows are locked in a fixed order (hour, day, month), so two requests cannot deadlock.
        LockAll(counters);
        try
        {
            for (var i = 0; i < slots.Length && denied == 0; i++)
            {
                for (var unit = BudgetUnit.Requests; unit <= BudgetUnit.Usd; unit++)
                {
                    var limit = BudgetOutcome.Limit(budget, slots[i].Window, unit, share);
                    if (limit >= 0 && counters[i][unit] >= limit)
                    {
                        denied = (i * 3) + (int)unit + 1;
                        break;
                    }
                }
            }
            for (var i = 0; i < slots.Length; i++)
            {
                if (denied == 0) counters[i].Add(1, estimate.Tokens, estimate.NanoUsd);
                used[i * 3] = counters[i].Requests;
                used[(i * 3) + 1] = counters[i].Tokens;
                used[(i * 3) + 2] = counters[i].NanoUsd;
            }
        }
        finally
        {
            UnlockAll(counters);
        }
        var lease = denied == 0 ? new Lease(counters, estimate, metrics, clientId, budget, slots) : null;
        return BudgetOutcome.Build(slots, budget, used, denied, lease, share, local: true);
    }

    /// <summary>Returns requests, tokens and nano-dollars per window as they stand, reserving nothing.</summary>
    public long[] Peek(BudgetSlot[] slots)
    {
        var used = new long[slots.Length * 3];
        for (var i = 0; i < slots.Length; i++)
        {
            if (_windows.TryGetValue(slots[i].Key, out var c))
            {
                lock (c) c.CopyTo(used, i * 3);
            }
        }
        return used;
    }

    private static void LockAll(Counters[] counters)
    {
        for (var i = 0; i < counters.Length; i++) Monitor.Enter(counters[i]);
    }

    private static void UnlockAll(Counters[] counters)
    {
        for (var i = counters.Length - 1; i >= 0; i--) Monitor.Exit(counters[i]);
    }

    /// <summary>Drops ended windows when a new one has started (at most once per window change, not per request).</summary>
    private void Prune(BudgetSlot[] slots)
    {
        if (slots.Length == 0) return;
        var start = slots[0].Start.UtcTicks;
        var last = Volatile.Read(ref _pruneAfterTicks);
        if (start <= last || Interlocked.CompareExchange(ref _pruneAfterTicks, start, last) != last) return;
        foreach (var (key, counters) in _windows)
        {
            if (counters.End < slots[0].Start) _windows.TryRemove(key, out _);
        }
    }

    private sealed class Counters(DateTimeOffset end)
    {
        public DateTimeOffset End { get; } = end;

        public long Requests;
        public long Tokens;
        public long NanoUsd;

        public long this[BudgetUnit unit] => unit switch { BudgetUnit.Requests => Requests, BudgetUnit.Tokens => Tokens, _ => NanoUsd };

        public void CopyTo(long[] used, int at)
        {
            used[at] = Requests;
            used[at + 1] = Tokens;
            used[at + 2] = NanoUsd;
        }

        public void Add(long requests, long tokens, long nanoUsd)
        {
            Requests += requests;
            Tokens += tokens;
            NanoUsd += nanoUsd;
        }
    }

    private sealed class Lease(Counters[] counters, BudgetCharge reserved, BudgetMetrics metrics, string clientId, ClientBudget budget, BudgetSlot[] slots)
        : IBudgetLease
    {
        private int _settled;

        public ValueTask SettleAsync(BudgetCharge actual, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _settled, 1) != 0) return default;
            var used = new long[counters.Length * 3];
            for (var i = 0; i < counters.Length; i++)
            {
                var c = counters[i];
                lock (c)
                {
                    c.Add(0, Math.Max(0, actual.Tokens) - reserved.Tokens, Math.Max(0, actual.NanoUsd) - reserved.NanoUsd);
                    c.CopyTo(used, i * 3);
                }
            }
            metrics.Record(clientId, budget, slots, used);
            return default;
        }
    }
}
