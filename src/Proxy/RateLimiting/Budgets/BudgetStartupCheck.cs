using AiProxy.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>At start-up, warns when budgets are configured but no Redis is: they are then per replica and lost on restart.</summary>
internal sealed class BudgetStartupCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the ledger now also publishes aiproxy_budget_local from the first scrape.
        var ledger = services.GetRequiredService<IBudgetLedger>();
        var options = services.GetService<LoadedConfig>()?.Options;
        if (ledger is BudgetLedger { IsShared: false } local && options is not null && AnyBudget(options))
        {
            local.WarnLocal();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool AnyBudget(AiProxyOptions options)
    {
        if (options.AnonymousBudget is not null || options.AnonymousRateLimit is { RequestsPerHour: not null } or { RequestsPerDay: not null })
        {
            return true;
        }
        foreach (var (_, client) in options.Clients ?? [])
        {
            if (client?.Budget is not null || client?.RateLimit is { RequestsPerHour: not null } or { RequestsPerDay: not null })
            {
                return true;
            }
        }
        return false;
    }
}
