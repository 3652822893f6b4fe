using StackExchange.Redis;

namespace AiProxy.RateLimiting.Budgets;

internal sealed partial class BudgetLedger
{
    public ValueTask<BudgetDecision> PeekAsync(string clientId, ClientBudget budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentNullException.ThrowIfNull(budget);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var slots = SlotsFor(clientId, budget, now);
        var fallback = _redis?.IsInFallback == true;
        var share = fallback ? Math.Max(1, _options.ExpectedReplicas) : 1;
        // Figures this replica already saw for these windows (a reservation, a settle or an earlier read): no round trip.
        if (_metrics.TryGetUsed(clientId, slots, out var used))
        {
            return new(BudgetOutcome.Build(slots, budget, used, 0, null, share, local: _redis is null || fallback));
        }
        if (_redis is null)
        {
            return new(Known(clientId, budget, slots, _local.Peek(slots), 1, local: true));
        }
        var db = fallback ? null : _redis.PeekDatabase(now.ToUnixTimeMilliseconds());
        return db is null
            ? new(Known(clientId, budget, slots, _fallback.Peek(slots), Math.Max(1, _options.ExpectedReplicas), local: true))
            : PeekRedisAsync(db, clientId, budget, slots, cancellationToken);
    }

    /// <summary>Reads the windows once (the first answer of a client on this replica in a new window); a Redis fault answers with the local figures.</summary>
    private async ValueTask<BudgetDecision> PeekRedisAsync(IDatabase db, string clientId, ClientBudget budget, BudgetSlot[] slots, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[slots.Length];
        for (var i = 0; i < slots.Length; i++) keys[i] = slots[i].Key;
        var script = db.ScriptEvaluateAsync(BudgetScripts.Peek, keys);
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await script.WaitAsync(_options.RedisOperationTimeout, _time, cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            ObserveLater(script);
            return BudgetOutcome.Build(slots, budget, _fallback.Peek(slots), 0, null, Math.Max(1, _options.ExpectedReplicas), local: true);
        }
        return Known(clientId, budget, slots, ToCounters(result, slots.Length), 1, local: false);
    }

    private BudgetDecision Known(string clientId, ClientBudget budget, BudgetSlot[] slots, long[] used, int share, bool local)
    {
        _metrics.Record(clientId, budget, slots, used);
        return BudgetOutcome.Build(slots, budget, used, 0, null, share, local);
    }

    /// <summary>Requests, tokens and nano-dollars per window from a script's flat array (zeros when it is short).</summary>
    private static long[] ToCounters(RedisResult[] result, int slotCount)
    {
        var used = new long[slotCount * 3];
        for (var i = 0; i < used.Length && i < result.Length; i++) used[i] = (long)result[i];
        return used;
    }
}
