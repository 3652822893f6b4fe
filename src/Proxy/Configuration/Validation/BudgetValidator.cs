using AiProxy.Transforms.Keys;

namespace AiProxy.Configuration.Validation;

/// <summary>Validates each client's <c>Budget</c> and <c>Priority</c>, and <c>AiProxy:AnonymousBudget</c>.</summary>
internal sealed class BudgetValidator : IConfigSectionValidator
{
    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.AnonymousBudget is { } anonymous)
        {
            Budget(context, anonymous, "$.AiProxy.AnonymousBudget");
        }
        foreach (var (name, client) in context.Options.Clients ?? [])
        {
            if (client is null)
            {
                continue;
            }
            var path = "$.AiProxy.Clients." + name;
            if (client.Budget is { } budget)
            {
                Budget(context, budget, path + ".Budget");
            }
            context.OneOf(PriorityClassNames.Table, client.Priority, path + ".Priority", "priority class");
        }
    }

    private static void Budget(ConfigValidationContext context, ClientBudgetOptions budget, string path)
    {
        context.Positive(budget.TokensPerDay, path + ".TokensPerDay");
        context.Positive(budget.TokensPerMonth, path + ".TokensPerMonth");
        PositiveUsd(context, budget.UsdPerDay, path + ".UsdPerDay");
        PositiveUsd(context, budget.UsdPerMonth, path + ".UsdPerMonth");
        if (!ResetTimeZones.TryFind(budget.ResetTimeZone, out _))
        {
            context.Add(path + ".ResetTimeZone", "unknown time zone; use an IANA id such as UTC, Europe/Paris or America/New_York");
        }
        if ((budget.UsdPerDay is not null || budget.UsdPerMonth is not null) && (context.Options.Prices?.Count ?? 0) == 0)
        {
            context.Add(path, "a USD budget needs model prices: add AiProxy:Prices (models without a price cost nothing against it)");
        }
    }

    private static void PositiveUsd(ConfigValidationContext context, double? usd, string path)
    {
        if (usd is { } d && (!double.IsFinite(d) || d <= 0 || d > 1e9))
        {
            context.Add(path, $"must be a positive amount of dollars up to 1e9, found {d}");
        }
    }
}
