using Microsoft.Extensions.Logging;

namespace AiProxy.RateLimiting.Budgets;

/// <summary>Budget log messages; only client ids (config names) are logged, never client keys.</summary>
internal static partial class Log
{
    [LoggerMessage(2151, LogLevel.Warning,
        "Budgets are kept in this process only: no Redis is configured, so each replica counts its own spend and a restart resets it. Configure AiProxy:Redis to share and keep budgets.")]
    public static partial void LocalBudgets(ILogger logger);

    [LoggerMessage(2152, LogLevel.Warning,
        "Redis unavailable for budgets ({Reason}); enforcing budgets locally, divided by {ExpectedReplicas} replica(s), until it recovers.")]
    public static partial void FallbackEntered(ILogger logger, string reason, int expectedReplicas);

    [LoggerMessage(2153, LogLevel.Information, "Redis budgets restored; budgets are shared across replicas again.")]
    public static partial void FallbackExited(ILogger logger);

    [LoggerMessage(2154, LogLevel.Debug, "Could not settle the budget reservation of client {ClientId} in Redis ({Reason}); the estimate stands.")]
    public static partial void SettleFailed(ILogger logger, string clientId, string reason);
}
