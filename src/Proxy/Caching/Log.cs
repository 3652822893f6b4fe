using Microsoft.Extensions.Logging;

namespace AiProxy.Caching;

/// <summary>Response cache log messages (event ids 4201-4299). Keys and prompts are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, EventName = "ResponseCacheLookupFailed", Message = "Response cache lookup failed ({Exception}); treating it as a miss.")]
    public static partial void LookupFailed(ILogger logger, string exception);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, EventName = "ResponseCacheStoreFailed", Message = "Storing a response in the cache failed ({Exception}); the answer was served but not cached.")]
    public static partial void StoreFailed(ILogger logger, string exception);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Debug, EventName = "ResponseCacheEntryNotConvertible", Message = "A cached {Operation} answer could not be converted to the requested shape (stream={Stream}); treating it as a miss.")]
    public static partial void NotConvertible(ILogger logger, string operation, bool stream);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Debug, EventName = "ResponseCacheFollowerFallback", Message = "The coalesced upstream call on route {Route} failed before this request got any byte; calling upstream itself.")]
    public static partial void FollowerFallback(ILogger logger, string route);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Debug, EventName = "ResponseCacheTooLarge", Message = "A {Bytes}-byte answer on route {Route} exceeds Cache.MaxEntryBytes ({Limit}); not cached.")]
    public static partial void TooLarge(ILogger logger, long bytes, string route, long limit);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Debug, EventName = "ResponseCacheTtlHeaderInvalid", Message = "Ignoring an invalid x-aiproxy-cache-ttl header.")]
    public static partial void TtlHeaderInvalid(ILogger logger);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Information, EventName = "ResponseCachePurged", Message = "Response cache purged for tags {Tags}.")]
    public static partial void Purged(ILogger logger, string tags);

    [LoggerMessage(EventId = 4208, Level = LogLevel.Information, EventName = "ResponseCacheFollowerTimedOut", Message = "A request following an identical in-flight request on route {Route} gave up after its own deadline of {WaitMs} ms.")]
    public static partial void FollowerTimedOut(ILogger logger, string route, long waitMs);
}
