namespace AiProxy.RateLimiting.Budgets;

/// <summary>What one request costs (or is expected to cost) against a budget: tokens and nano-dollars.</summary>
/// <param name="Tokens">Prompt plus completion tokens.</param>
/// <param name="NanoUsd">The cost in nano-dollars (zero for a model without a price).</param>
public readonly record struct BudgetCharge(long Tokens, long NanoUsd);
