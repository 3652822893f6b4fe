using AiProxy.Pipeline;
using Polly;
using Yarp.ReverseProxy.Transforms;
using Keys = AiProxy.Upstream.UpstreamResilienceKeys;

namespace AiProxy.Upstream;

/// <summary>
/// Runs when the upstream's status and headers arrive, before any body byte is copied: feeds the key pool
/// (cooldowns from retry-after / x-ratelimit-*), the provider breaker and latency, writes the answer into the
/// attempt's <see cref="ResilienceContext"/>, and suppresses a retryable answer so the next attempt can run.
/// </summary>
internal sealed class UpstreamOutcomeTransform : ResponseTransform
{
    private readonly TimeProvider _time;

    public UpstreamOutcomeTransform(TimeProvider time) => _time = time;

    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var response = context.ProxyResponse;
        var attempt = context.HttpContext.Features.Get<ResilienceContext>();
        if (response is null || attempt is null || !attempt.Properties.TryGetValue(Keys.Provider, out var provider))
        {
            return default;
        }

        var properties = attempt.Properties;
        var status = (int)response.StatusCode;
        var lease = properties.GetValue(Keys.Lease, null);
        lease?.Complete(status, response.Headers);
        if (status >= 500)
        {
            provider.Breaker.Failure();
        }
        else
        {
            provider.Breaker.Success();
            provider.RecordLatency(_time.GetElapsedTime(properties.GetValue(Keys.AttemptStart, 0L)));
        }

        var hasAlternative = context.HttpContext.Features.Get<AiRequestFeature>()?.Route.Providers.Length > 1 || provider.Keys is { Count: > 1 };
        var retry = properties.GetValue(Keys.RetryAllowed, false) && UpstreamRetryRules.IsRetryable(status, hasAlternative);
        if (retry)
        {
            context.SuppressResponseBody = true;
        }
        properties.Set(Keys.Answer, new UpstreamAnswer(status, retry));
        return default;
    }
}
