using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>
/// The last counters each client's decision saw, read by the budget gauges. A window that has ended reports zero used,
/// so a client idle since yesterday does not show yesterday's spend.
/// </summary>
internal sealed class BudgetUsageTracker(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Record(string clientId, ClientBudget budget, BudgetSlot[] slots, BudgetDecision decision) => Record(clientId, budget, slots, decision.Used);

    /// <summary>Records counters seen by a reservation, a settle or a read. A late settle of an earlier window does not replace a later window's figures.</summary>
    public void Record(string clientId, ClientBudget budget, BudgetSlot[] slots, long[] used)
    {
        if (used.Length != slots.Length * 3)
        {
            return;
        }
        // One reference swap: a scrape sees one decision's counters whole.
        var entry = new Entry(budget, slots, used);
        _entries.AddOrUpdate(clientId, static (_, e) => e, static (_, old, e) => Older(old, e) ? old : e, entry);
    }

    /// <summary>Returns the last counters recorded for exactly these windows (the array <see cref="BudgetLedger"/> caches per window), if any.</summary>
    public bool TryGet(string clientId, BudgetSlot[] slots, out long[] used)
    {
        if (_entries.TryGetValue(clientId, out var entry) && ReferenceEquals(entry.Slots, slots))
        {
            used = entry.Used;
            return true;
        }
        used = [];
        return false;
    }

    /// <summary>Whether <paramref name="candidate"/> is of an earlier window than <paramref name="current"/> of the same budget.</summary>
    private static bool Older(Entry current, Entry candidate)
        => ReferenceEquals(current.Budget, candidate.Budget) && current.Slots.Length > 0 && candidate.Slots.Length > 0
            && candidate.Slots[0].End < current.Slots[0].End;

    public IEnumerable<Measurement<double>> Observe(bool limit)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var (clientId, entry) in _entries)
        {
            for (var i = 0; i < entry.Slots.Length; i++)
            {
                var slot = entry.Slots[i];
                for (var unit = BudgetUnit.Requests; unit <= BudgetUnit.Usd; unit++)
                {
                    var max = entry.Budget.Limit(slot.Window, unit);
                    if (max < 0) continue;
                    var value = limit ? max : slot.Contains(now) ? entry.Used[(i * 3) + (int)unit] : 0;
                    yield return new Measurement<double>(unit == BudgetUnit.Usd ? (double)value / ClientBudget.NanoPerUsd : value,
                        new KeyValuePair<string, object?>("client", clientId),
                        new KeyValuePair<string, object?>("window", WindowName(slot.Window)),
                        new KeyValuePair<string, object?>("unit", UnitName(unit)));
                }
            }
        }
    }

    public static string WindowName(BudgetWindow window) => window switch
    {
        BudgetWindow.Hour => "hour",
        BudgetWindow.Day => "day",
        _ => "month",
    };

    public static string UnitName(BudgetUnit unit) => unit switch
    {
        BudgetUnit.Requests => "requests",
        BudgetUnit.Tokens => "tokens",
        _ => "usd",
    };

    private sealed record Entry(ClientBudget Budget, BudgetSlot[] Slots, long[] Used);
}
