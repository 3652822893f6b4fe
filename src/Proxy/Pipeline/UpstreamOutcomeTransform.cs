using Yarp.ReverseProxy.Transforms;

namespace AiProxy.Pipeline;

/// <summary>
/// Runs when the upstream's status and headers arrive, before any body byte is copied: feeds the key pool
/// (cooldowns from retry-after / x-ratelimit-*), the provider breaker and latency, and suppresses a retryable
/// answer so the next attempt can run.
/// </summary>
internal sealed class UpstreamOutcomeTransform : ResponseTransform
{
    private readonly TimeProvider _time;

    public UpstreamOutcomeTransform(TimeProvider time) => _time = time;

    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var response = context.ProxyResponse;
        var feature = context.HttpContext.Features.Get<AiRequestFeature>();
        if (response is null || feature?.Provider is not { } provider)
        {
            return default;
        }

        var status = (int)response.StatusCode;
        feature.UpstreamStatus = status;
        feature.Lease?.Complete(status, response.Headers);
        if (status >= 500)
        {
            provider.Breaker.Failure();
        }
        else
        {
            provider.Breaker.Success();
            provider.RecordLatency(_time.GetElapsedTime(feature.AttemptTimestamp));
        }

        if (feature.RetryAllowed && IsRetryable(status, feature))
        {
            context.SuppressResponseBody = true;
            feature.RetryRequested = true;
        }
        return default;
    }

    private static bool IsRetryable(int status, AiRequestFeature feature) => status switch
    {
        408 or 500 or 502 or 503 or 504 => true,
        // A key-specific answer is worth retrying only where another key or provider exists; otherwise the
        // upstream's own answer (with its retry-after and request id) is the most useful thing to pass on.
        429 or 401 or 403 => feature.Route.Providers.Length > 1 || feature.Provider!.Keys is { Count: > 1 },
        _ => false,
    };
}
