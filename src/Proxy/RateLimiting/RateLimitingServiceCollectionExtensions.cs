using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiProxy.RateLimiting;

/// <summary>Registers the per-client rate limiter.</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>Adds <see cref="IClientRateLimiter"/> and the budget ledger (shared through an <c>IRedisConnection</c> when one is registered and configured).</summary>
    public static IServiceCollection AddAiProxyRateLimiting(this IServiceCollection services, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptionsWithValidateOnStart<RateLimitingOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClientUsageTracker>();
        services.TryAddSingleton<RateLimitingMetrics>();
        services.TryAddSingleton<IClientRateLimiter, ClientRateLimiter>();
        services.TryAddSingleton<Budgets.BudgetMetrics>();
        services.TryAddSingleton<Budgets.IBudgetLedger, Budgets.BudgetLedger>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, Budgets.BudgetStartupCheck>());
        return services;
    }
}
