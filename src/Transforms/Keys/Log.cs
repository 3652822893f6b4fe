using Microsoft.Extensions.Logging;

namespace AiProxy.Transforms.Keys;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, EventName = "UpstreamKeyDisabled",
        Message = "Upstream key {Fingerprint} of provider '{Provider}' was rejected with status {StatusCode}; it stays disabled until its secret changes.")]
    public static partial void KeyDisabled(ILogger logger, string provider, string fingerprint, int statusCode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, EventName = "UpstreamKeyCoolingDown",
        Message = "Upstream key {Fingerprint} of provider '{Provider}' answered 429; it cools down for {Cooldown}.")]
    public static partial void KeyCoolingDown(ILogger logger, string provider, string fingerprint, TimeSpan cooldown);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, EventName = "UpstreamKeyCircuitOpened",
        Message = "Circuit of upstream key {Fingerprint} of provider '{Provider}' opened after upstream failures; a probe request goes through after {BreakDuration}.")]
    public static partial void CircuitOpened(ILogger logger, string provider, string fingerprint, TimeSpan breakDuration);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, EventName = "UpstreamKeyCircuitClosed",
        Message = "Circuit of upstream key {Fingerprint} of provider '{Provider}' closed after a successful probe.")]
    public static partial void CircuitClosed(ILogger logger, string provider, string fingerprint);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, EventName = "UpstreamKeysLoaded",
        Message = "Provider '{Provider}' has {Count} upstream keys ({Added} added, {Removed} removed).")]
    public static partial void KeysLoaded(ILogger logger, string provider, int count, int added, int removed);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, EventName = "UpstreamKeySourceEmpty",
        Message = "Provider '{Provider}': key spec {Spec} gave no key: {Remedy}.")]
    public static partial void KeySourceEmpty(ILogger logger, string provider, string spec, string remedy);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, EventName = "UpstreamKeyWatchFailed",
        Message = "Provider '{Provider}': cannot watch '{Path}' for key changes; polling only.")]
    public static partial void WatchFailed(ILogger logger, string provider, string path, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, EventName = "UpstreamKeyReloadFailed",
        Message = "Provider '{Provider}': reloading upstream keys failed; the previous keys stay in use.")]
    public static partial void ReloadFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, EventName = "UpstreamKeyQuotaExhausted",
        Message = "Upstream key {Fingerprint} of provider '{Provider}' is out of quota or credits (status {StatusCode}); it stays out for {Cooldown}.")]
    public static partial void KeyQuotaExhausted(ILogger logger, string provider, string fingerprint, int statusCode, TimeSpan cooldown);
}
