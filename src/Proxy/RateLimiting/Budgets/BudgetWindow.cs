namespace AiProxy.RateLimiting.Budgets;

/// <summary>A calendar window of a budget, in the client's <c>ResetTimeZone</c>.</summary>
public enum BudgetWindow
{
    /// <summary>A calendar hour (only <c>RequestsPerHour</c>).</summary>
    Hour,

    /// <summary>A calendar day, from local midnight to the next.</summary>
    Day,

    /// <summary>A calendar month, from local midnight of the 1st.</summary>
    Month,
}
