namespace AiProxy.RateLimiting.Budgets;

/// <summary>Builds a <see cref="BudgetDecision"/> from the counters one reservation saw; shared by the Redis and in-process stores.</summary>
internal static class BudgetOutcome
{
    /// <param name="slots">The windows reserved in.</param>
    /// <param name="budget">The client's budget.</param>
    /// <param name="used">Requests, tokens and nano-dollars per slot (3 per slot): after the reservation, or as found when refused.</param>
    /// <param name="denied">0 when admitted, else <c>3 * slotIndex + unit + 1</c> of the budget that refused.</param>
    /// <param name="lease">The reservation when admitted.</param>
    /// <param name="share">The divisor of every limit (replicas, while Redis is unavailable; else 1).</param>
    /// <param name="local">Whether the decision was made in process.</param>
    public static BudgetDecision Build(BudgetSlot[] slots, ClientBudget budget, ReadOnlySpan<long> used, int denied, IBudgetLease? lease, int share, bool local)
    {
        long? remainingUsd = null;
        long? remainingTokens = null;
        var tightest = double.MaxValue;
        var reset = slots.Length > 0 ? slots[0].End : DateTimeOffset.MaxValue;
        for (var i = 0; i < slots.Length; i++)
        {
            for (var unit = BudgetUnit.Requests; unit <= BudgetUnit.Usd; unit++)
            {
                var limit = Limit(budget, slots[i].Window, unit, share);
                if (limit < 0) continue;
                var left = Math.Max(0, limit - used[(i * 3) + (int)unit]);
                if (unit == BudgetUnit.Usd) remainingUsd = Math.Min(remainingUsd ?? long.MaxValue, left);
                if (unit == BudgetUnit.Tokens) remainingTokens = Math.Min(remainingTokens ?? long.MaxValue, left);
                var fraction = limit == 0 ? 0 : (double)left / limit;
                if (fraction < tightest || (fraction == tightest && slots[i].End < reset))
                {
                    tightest = fraction;
                    reset = slots[i].End;
                }
            }
        }

        if (denied == 0)
        {
            return new BudgetDecision { Lease = lease, RemainingNanoUsd = remainingUsd, RemainingTokens = remainingTokens, ResetAt = reset, Zone = budget.Zone, IsLocal = local,
                Used = used.ToArray() };
        }
        denied = LongestRefusal(slots, budget, used, denied, share);
        var slot = slots[(denied - 1) / 3];
        var deniedUnit = (BudgetUnit)((denied - 1) % 3);
        return new BudgetDecision
        {
            DeniedWindow = slot.Window,
            DeniedUnit = deniedUnit,
            DeniedLimit = Limit(budget, slot.Window, deniedUnit, share),
            DeniedUsed = used[denied - 1],
            RemainingNanoUsd = remainingUsd,
            RemainingTokens = remainingTokens,
            ResetAt = slot.End,
            Zone = budget.Zone,
            IsLocal = local,
            Used = used.ToArray(),
        };
    }

    /// <summary>
    /// Of all the budgets that are used up, the one that ends last: when a daily and the monthly budget are both spent, the
    /// refusal names the month and its reset, since retrying at midnight would only be refused again.
    /// </summary>
    private static int LongestRefusal(BudgetSlot[] slots, ClientBudget budget, ReadOnlySpan<long> used, int denied, int share)
    {
        var end = slots[(denied - 1) / 3].End;
        for (var i = 0; i < slots.Length; i++)
        {
            for (var unit = BudgetUnit.Requests; unit <= BudgetUnit.Usd; unit++)
            {
                var limit = Limit(budget, slots[i].Window, unit, share);
                if (limit >= 0 && used[(i * 3) + (int)unit] >= limit && slots[i].End > end)
                {
                    end = slots[i].End;
                    denied = (i * 3) + (int)unit + 1;
                }
            }
        }
        return denied;
    }

    /// <summary>The limit of one meter divided by <paramref name="share"/> (at least 1 so a share never locks a client out), or -1.</summary>
    public static long Limit(ClientBudget budget, BudgetWindow window, BudgetUnit unit, int share)
    {
        var limit = budget.Limit(window, unit);
        return limit <= 0 || share <= 1 ? limit : Math.Max(1, limit / share);
    }
}
