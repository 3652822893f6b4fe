using System.Diagnostics;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using AiProxy.Telemetry;
using AiProxy.Transforms.Keys;
using Microsoft.Extensions.Logging;

namespace AiProxy.Upstream;

/// <summary>What an ended attempt reports: the attempt counter, its span and the retry log lines.</summary>
internal sealed partial class AttemptTelemetry
{
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;

    public AttemptTelemetry(ProxyMetrics metrics, ILogger<AttemptTelemetry> logger)
    {
        _metrics = metrics;
        _logger = logger;
    }

    public static string OutcomeLabel(int status, KeyErrorKind error = KeyErrorKind.None) => status switch
    {
        0 => "no_response",
        < 400 => "ok",
        _ when error == KeyErrorKind.KeyRejected => "unauthorized",
        _ when error == KeyErrorKind.QuotaExhausted => "quota_exhausted",
        403 => "forbidden",
        429 => "rate_limited",
        < 500 => "client_error",
        _ => "server_error",
    };

    /// <summary>Records an attempt that got an answer (passed on, or suppressed for a retry when <paramref name="retrying"/>).</summary>
    public void Answered(Activity? span, AiRequestFeature feature, string provider, string keyId, in UpstreamAnswer answer, bool retrying)
    {
        var status = answer.Status;
        var outcome = OutcomeLabel(status, answer.Error);
        _metrics.UpstreamAttempt(provider, keyId, outcome);
        ProxyTracing.EndAttempt(span, feature, outcome, retrying);
        if (retrying)
        {
            Log.Retrying(_logger, provider, keyId, status, feature.Attempt);
        }
    }

    /// <summary>Records an attempt that got no answer (connect error, timeout, client gone).</summary>
    public void Failed(Activity? span, AiRequestFeature feature, string provider, string keyId, string outcome)
    {
        _metrics.UpstreamAttempt(provider, keyId, outcome);
        ProxyTracing.EndAttempt(span, feature, outcome, retried: false);
    }

    public void RetryingAfterError(string provider, string error, int attempt) => Log.RetryingAfterError(_logger, provider, error, attempt);

    private static partial class Log
    {
        [LoggerMessage(202, LogLevel.Information, "Provider {Provider} key {Key} answered {Status} on attempt {Attempt}; retrying before the first byte.")]
        public static partial void Retrying(ILogger logger, string provider, string key, int status, int attempt);

        [LoggerMessage(203, LogLevel.Information, "Provider {Provider} failed ({Error}) on attempt {Attempt}; retrying.")]
        public static partial void RetryingAfterError(ILogger logger, string provider, string error, int attempt);
    }
}
