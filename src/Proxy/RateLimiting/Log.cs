using Microsoft.Extensions.Logging;

namespace AiProxy.RateLimiting;

/// <summary>Rate-limiting log messages; only client ids (config names) are logged, never client keys.</summary>
internal static partial class Log
{
    [LoggerMessage(2101, LogLevel.Warning,
        "Redis unavailable for rate limiting ({Reason}); enforcing local limits divided by {ExpectedReplicas} replica(s) until it recovers.")]
    public static partial void FallbackEntered(ILogger logger, string reason, int expectedReplicas);

    [LoggerMessage(2102, LogLevel.Information, "Redis rate limiting restored; limits are shared across replicas again.")]
    public static partial void FallbackExited(ILogger logger);

    [LoggerMessage(2103, LogLevel.Debug, "Could not settle the token reservation of client {ClientId} in Redis ({Reason}); the estimate stands.")]
    public static partial void SettleFailed(ILogger logger, string clientId, string reason);

    [LoggerMessage(2104, LogLevel.Debug, "Could not release the concurrency slot of client {ClientId} in Redis ({Reason}); it expires on its own.")]
    public static partial void ReleaseFailed(ILogger logger, string clientId, string reason);
}
