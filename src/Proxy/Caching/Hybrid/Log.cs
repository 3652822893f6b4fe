using Microsoft.Extensions.Logging;

namespace AiProxy.Caching.Hybrid;

/// <summary>Cache log messages; keys, tags and payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(4101, LogLevel.Warning, "Distributed cache {Operation} failed ({Error}); skipping the distributed cache for {Backoff}.")]
    public static partial void DistributedCacheFailed(ILogger logger, string operation, string error, TimeSpan backoff);

    [LoggerMessage(4102, LogLevel.Information, "Distributed cache back-off elapsed; trying the distributed cache again.")]
    public static partial void DistributedCacheRetry(ILogger logger);

    [LoggerMessage(4103, LogLevel.Information, "Cache entry of {Bytes} bytes exceeds MaximumPayloadBytes ({Limit}); returned without caching.")]
    public static partial void PayloadTooLarge(ILogger logger, int bytes, int limit);

    [LoggerMessage(4104, LogLevel.Warning, "Cache key of length {Length} is empty or longer than MaximumKeyLength ({Limit}); bypassing the cache.")]
    public static partial void KeyInvalid(ILogger logger, int length, int limit);

    [LoggerMessage(4105, LogLevel.Warning, "Cached payload from {Layer} could not be read ({Error}); treated as a miss.")]
    public static partial void PayloadUnreadable(ILogger logger, string layer, string error);

    [LoggerMessage(4106, LogLevel.Warning, "Value could not be serialized for the cache ({Error}); returned without caching.")]
    public static partial void SerializationFailed(ILogger logger, string error);
}
