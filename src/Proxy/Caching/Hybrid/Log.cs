using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Hybrid;

/// <summary>Distributed-cache log messages (event ids 4101-4199); keys, tags and payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Warning, "Distributed cache {Operation} failed ({Error}); treated as a miss.")]
    public static partial void OperationFailed(ILogger logger, string operation, string error);

    [LoggerMessage(4102, LogLevel.Warning, "Distributed cache breaker opened: skipping Redis for {BreakDuration} before probing it again.")]
    public static partial void BreakerOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(4103, LogLevel.Information, "Distributed cache breaker closed: Redis answers again.")]
    public static partial void BreakerClosed(ILogger logger);

    [LoggerMessage(4104, LogLevel.Warning, "Cache purge broadcast failed ({Error}); other replicas see the purge when they next read the tag from Redis.")]
    public static partial void BroadcastFailed(ILogger logger, string error);

    [LoggerMessage(4105, LogLevel.Information, "Cache purge from another replica applied ({Count} tags).")]
    public static partial void PurgeReceived(ILogger logger, int count);
}
