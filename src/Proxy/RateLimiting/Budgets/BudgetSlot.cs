namespace AiProxy.RateLimiting.Budgets;

/// <summary>One tracked calendar window of a client: its id, bounds and Redis key.</summary>
internal sealed record BudgetSlot(BudgetWindow Window, string Id, DateTimeOffset Start, DateTimeOffset End, string Key)
{
    public bool Contains(DateTimeOffset now) => now >= Start && now < End;
}
