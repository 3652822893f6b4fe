namespace AiProxy.RateLimiting.Budgets;

/// <summary>The outcome of <see cref="IBudgetLedger.ReserveAsync"/>, also the source of the <c>x-aiproxy-budget-*</c> headers.</summary>
public sealed class BudgetDecision
{
    /// <summary>Gets a value indicating whether the request may proceed.</summary>
    public bool IsAllowed => Lease is not null;

    /// <summary>Gets the reservation of an allowed request; <see langword="null"/> when refused.</summary>
    public IBudgetLease? Lease { get; init; }

    /// <summary>Gets the window of the budget that refused the request (meaningful only when refused).</summary>
    public BudgetWindow DeniedWindow { get; init; }

    /// <summary>Gets the unit of the budget that refused the request (meaningful only when refused).</summary>
    public BudgetUnit DeniedUnit { get; init; }

    /// <summary>Gets the limit of the refusing budget (nano-dollars for USD).</summary>
    public long DeniedLimit { get; init; }

    /// <summary>Gets the spend already counted against the refusing budget.</summary>
    public long DeniedUsed { get; init; }

    /// <summary>Gets the dollars left in the tightest USD budget, in nano-dollars; <see langword="null"/> without a USD budget.</summary>
    public long? RemainingNanoUsd { get; init; }

    /// <summary>Gets the tokens left in the tightest token budget; <see langword="null"/> without a token budget.</summary>
    public long? RemainingTokens { get; init; }

    /// <summary>Gets when the binding budget (the refusing one, else the tightest) starts over.</summary>
    public DateTimeOffset ResetAt { get; init; }

    /// <summary>Gets the zone the windows are counted in (for the refusal message).</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Gets requests, tokens and nano-dollars per tracked window as the decision saw them (for the gauges).</summary>
    internal long[] Used { get; init; } = [];

    /// <summary>Gets a value indicating whether the decision was made in process (no Redis, or Redis unavailable).</summary>
    public bool IsLocal { get; init; }
}
