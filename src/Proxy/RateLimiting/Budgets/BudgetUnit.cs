namespace AiProxy.RateLimiting.Budgets;

/// <summary>What a budget meter counts.</summary>
public enum BudgetUnit
{
    /// <summary>Requests.</summary>
    Requests,

    /// <summary>Tokens: prompt plus completion.</summary>
    Tokens,

    /// <summary>Nano-dollars priced with <c>AiProxy:Prices</c>.</summary>
    Usd,
}
