using System.Diagnostics.Metrics;
using AiProxy.Metrics;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// Budget instruments on the <c>AiProxy</c> meter: used and limit per client, window and unit (for the 70/85/95% alerts),
/// refusals by reason (budget, priority shed), local fallbacks and whether budgets are kept in process only.
/// </summary>
internal sealed class BudgetMetrics
{
    public const string BudgetReason = "budget";
    public const string PriorityReason = "priority";

    private readonly Counter<long> _refusals;
    private readonly Counter<long> _fallbacks;
    private readonly BudgetUsageTracker _usage;
    private int _local;

    public BudgetMetrics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        _usage = new BudgetUsageTracker(timeProvider);
        var meter = meterFactory.Create(ProxyMetrics.MeterName);
        _refusals = meter.CreateCounter<long>("aiproxy.budget.refusals", "{request}",
            "Requests refused with 429 by a client budget (reason=budget) or shed for a higher priority class (reason=priority).");
        _fallbacks = meter.CreateCounter<long>("aiproxy.budget.fallbacks", "{request}",
            "Budget decisions made in process because the configured Redis was unavailable.");
        meter.CreateObservableGauge("aiproxy.budget.local", () => new Measurement<long>(Volatile.Read(ref _local)), "{state}",
            "1 when no Redis is configured: budgets are counted per replica and reset on restart.");
        meter.CreateObservableGauge("aiproxy.budget.used", () => _usage.Observe(limit: false), null,
            "Spend counted in the client's current calendar window (requests, tokens or USD by the unit label), reservations included.");
        meter.CreateObservableGauge("aiproxy.budget.limit", () => _usage.Observe(limit: true), null,
            "The client's budget for the window and unit (USD in dollars).");
    }

    public void Refused(string clientId, string reason)
    {
        if (!_refusals.Enabled) return;
        _refusals.Add(1, new KeyValuePair<string, object?>("client", clientId), new KeyValuePair<string, object?>("reason", reason));
    }

    public void Fallback() => _fallbacks.Add(1);

    public void SetLocal(bool local) => Volatile.Write(ref _local, local ? 1 : 0);

    public void Record(string clientId, ClientBudget budget, BudgetSlot[] slots, BudgetDecision decision) => _usage.Record(clientId, budget, slots, decision);

    /// <summary>Records the counters after a settle (or a read), so the gauges follow the real spend, not only the reservations.</summary>
    public void Record(string clientId, ClientBudget budget, BudgetSlot[] slots, long[] used) => _usage.Record(clientId, budget, slots, used);

    /// <summary>The last counters this replica saw for exactly these windows.</summary>
    public bool TryGetUsed(string clientId, BudgetSlot[] slots, out long[] used) => _usage.TryGet(clientId, slots, out used);
}
