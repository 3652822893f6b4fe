namespace AiProxy.RateLimiting.Budgets;

/// <summary>A client's compiled budgets over calendar windows; every limit is optional, USD in nano-dollars (integers, exact in Redis).</summary>
public sealed class ClientBudget
{
    /// <summary>Nano-dollars per dollar.</summary>
    public const long NanoPerUsd = 1_000_000_000;

    /// <summary>Gets a budget without limits.</summary>
    public static ClientBudget None { get; } = new();

    /// <summary>Gets the zone whose midnight starts a day.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Gets the requests allowed per calendar hour.</summary>
    public long? RequestsPerHour { get; init; }

    /// <summary>Gets the requests allowed per calendar day.</summary>
    public long? RequestsPerDay { get; init; }

    /// <summary>Gets the tokens allowed per calendar day.</summary>
    public long? TokensPerDay { get; init; }

    /// <summary>Gets the tokens allowed per calendar month.</summary>
    public long? TokensPerMonth { get; init; }

    /// <summary>Gets the nano-dollars allowed per calendar day.</summary>
    public long? NanoUsdPerDay { get; init; }

    /// <summary>Gets the nano-dollars allowed per calendar month.</summary>
    public long? NanoUsdPerMonth { get; init; }

    /// <summary>Gets a value indicating whether any limit is set.</summary>
    public bool HasAny => RequestsPerHour is not null || RequestsPerDay is not null || HasSpend;

    /// <summary>Gets a value indicating whether a token or USD limit is set (the ones that settle and appear in headers).</summary>
    public bool HasSpend => TokensPerDay is not null || TokensPerMonth is not null || NanoUsdPerDay is not null || NanoUsdPerMonth is not null;

    /// <summary>Gets a value indicating whether a USD limit is set.</summary>
    public bool HasUsd => NanoUsdPerDay is not null || NanoUsdPerMonth is not null;

    /// <summary>Gets a value indicating whether a token limit is set.</summary>
    public bool HasTokens => TokensPerDay is not null || TokensPerMonth is not null;

    /// <summary>Returns the limit of one meter of one window, or -1 when none.</summary>
    public long Limit(BudgetWindow window, BudgetUnit unit) => (window, unit) switch
    {
        (BudgetWindow.Hour, BudgetUnit.Requests) => RequestsPerHour ?? -1,
        (BudgetWindow.Day, BudgetUnit.Requests) => RequestsPerDay ?? -1,
        (BudgetWindow.Day, BudgetUnit.Tokens) => TokensPerDay ?? -1,
        (BudgetWindow.Day, BudgetUnit.Usd) => NanoUsdPerDay ?? -1,
        (BudgetWindow.Month, BudgetUnit.Tokens) => TokensPerMonth ?? -1,
        (BudgetWindow.Month, BudgetUnit.Usd) => NanoUsdPerMonth ?? -1,
        _ => -1,
    };

    /// <summary>Returns whether the window has any limit (windows without one are not tracked).</summary>
    public bool Tracks(BudgetWindow window)
        => Limit(window, BudgetUnit.Requests) >= 0 || Limit(window, BudgetUnit.Tokens) >= 0 || Limit(window, BudgetUnit.Usd) >= 0;

    /// <summary>Converts dollars to nano-dollars, rounded to the nearest (0.07 must not become 69,999,999 by floating-point noise).</summary>
    public static long? ToNano(double? usd) => usd is { } d ? (long)Math.Round(d * NanoPerUsd) : null;
}
