using StackExchange.Redis;

namespace AiProxy.RateLimiting.Budgets;

internal sealed partial class BudgetLedger
{
    private async ValueTask<BudgetDecision> ReserveRedisAsync(IDatabase db, string clientId, ClientBudget budget, BudgetSlot[] slots, BudgetCharge estimate,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[slots.Length];
        var args = new RedisValue[3 + (4 * slots.Length)];
        args[0] = 1;
        args[1] = estimate.Tokens;
        args[2] = estimate.NanoUsd;
        for (var i = 0; i < slots.Length; i++)
        {
            keys[i] = slots[i].Key;
            args[3 + (i * 4)] = budget.Limit(slots[i].Window, BudgetUnit.Requests);
            args[4 + (i * 4)] = budget.Limit(slots[i].Window, BudgetUnit.Tokens);
            args[5 + (i * 4)] = budget.Limit(slots[i].Window, BudgetUnit.Usd);
            args[6 + (i * 4)] = TtlMs(slots[i], now);
        }

        RedisResult[] result;
        var script = db.ScriptEvaluateAsync(BudgetScripts.Reserve, keys, args);
        try
        {
            result = (RedisResult[])(await script.WaitAsync(_options.RedisOperationTimeout, _time, cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A timed-out script may still run later: its reservation then stands (conservative). A Redis fault never fails a request.
            ObserveLater(script);
            _redis!.Failed(now.ToUnixTimeMilliseconds(), ex.GetType().Name);
            return ReserveFallback(clientId, budget, slots, estimate);
        }

        _redis!.Succeeded();
        var denied = (int)(long)result[0];
        Span<long> used = stackalloc long[slots.Length * 3];
        for (var i = 0; i < used.Length; i++) used[i] = (long)result[i + 1];
        var lease = denied == 0 ? new RedisLease(this, db, clientId, budget, slots, keys, estimate) : null;
        return Complete(clientId, budget, slots, BudgetOutcome.Build(slots, budget, used, denied, lease, share: 1, local: false));
    }

    private static void ObserveLater(Task task)
    {
        if (!task.IsCompleted)
        {
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private sealed class RedisLease(BudgetLedger owner, IDatabase db, string clientId, ClientBudget budget, BudgetSlot[] slots, RedisKey[] keys, BudgetCharge reserved)
        : IBudgetLease
    {
        private int _settled;

        public async ValueTask SettleAsync(BudgetCharge actual, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _settled, 1) != 0) return;
            var tokens = Math.Max(0, actual.Tokens) - reserved.Tokens;
            var nano = Math.Max(0, actual.NanoUsd) - reserved.NanoUsd;
            if (tokens == 0 && nano == 0) return;
            var script = db.ScriptEvaluateAsync(BudgetScripts.Settle, keys, [tokens, nano]);
            RedisResult result;
            try
            {
                result = await script.WaitAsync(owner._options.RedisOperationTimeout, owner._time, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Cancellation included: settling runs at the end of a request that may be aborted. The estimate then stands.
                ObserveLater(script);
                Log.SettleFailed(owner._logger, clientId, ex.GetType().Name);
                return;
            }
            // The gauges follow the settled spend, not only the reservation.
            if ((RedisResult[]?)result is { } counters)
            {
                owner._metrics.Record(clientId, budget, slots, ToCounters(counters, slots.Length));
            }
        }
    }
}
