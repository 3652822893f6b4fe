namespace AiProxy.RateLimiting.Budgets;

/// <summary>Per-client budgets over calendar hours, days and months; exact across replicas when Redis is configured.</summary>
public interface IBudgetLedger
{
    /// <summary>
    /// Refuses when any budget is already used up (settled plus reserved spend at or above the limit); otherwise reserves
    /// one request and <paramref name="estimate"/> in every window at once. The admitted request may take the spend past a
    /// limit by at most its own cost, and no request is admitted after that.
    /// </summary>
    /// <remarks>Never throws because Redis is down or slow: it decides locally then. Throws only when cancelled.</remarks>
    ValueTask<BudgetDecision> ReserveAsync(string clientId, ClientBudget budget, BudgetCharge estimate, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the client's current figures (for the <c>x-aiproxy-budget-*</c> headers of answers that reserve nothing, such
    /// as a per-minute 429) without reserving: the last counters this replica saw for the current windows, read from the
    /// store only when it has none. The result has no lease.
    /// </summary>
    /// <remarks>Never throws because Redis is down or slow. Throws only when cancelled.</remarks>
    ValueTask<BudgetDecision> PeekAsync(string clientId, ClientBudget budget, CancellationToken cancellationToken = default);
}

/// <summary>The reservation of an admitted request, settled once to the real cost.</summary>
public interface IBudgetLease
{
    /// <summary>Replaces the reserved estimate with <paramref name="actual"/> in the windows the request was reserved in (best effort, never throws).</summary>
    ValueTask SettleAsync(BudgetCharge actual, CancellationToken cancellationToken = default);
}
