using AiProxy.Routing;
using AiProxy.Transforms.Keys;
using AiProxy.Upstream;
using Polly;
using Yarp.ReverseProxy.Transforms;
using Keys = AiProxy.Upstream.UpstreamResilienceKeys;

namespace AiProxy.Pipeline;

/// <summary>
/// Runs when the upstream's status and headers arrive, before any body byte is copied: feeds the key pool
/// (cooldowns from retry-after / x-ratelimit-*; for 403/429 the start of the body says whether the key is at fault), the provider breaker and latency, writes the answer into the
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

        var status = (int)response.StatusCode;
        if (UpstreamErrorBody.ShouldRead(response, status))
        {
            // 403 and 429 say in their body whether the key or the request is at fault (Upstream/UpstreamErrorBody).
            return ApplyWithBodyAsync(context, attempt, provider, response, status);
        }

        Apply(context, attempt, provider, response, status, KeyErrorClassifier.Classify(status, default));
        return default;
    }

    private async ValueTask ApplyWithBodyAsync(ResponseTransformContext context, ResilienceContext attempt, ProviderRuntime provider,
        HttpResponseMessage response, int status)
    {
        var error = await UpstreamErrorBody.ClassifyAsync(response, status, _time, context.HttpContext.RequestAborted).ConfigureAwait(false);
        Apply(context, attempt, provider, response, status, error);
    }

    private void Apply(ResponseTransformContext context, ResilienceContext attempt, ProviderRuntime provider, HttpResponseMessage response,
        int status, KeyErrorKind error)
    {
        var properties = attempt.Properties;
        var lease = properties.GetValue(Keys.Lease, null);
        lease?.Complete(status, response.Headers, error);
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
        var retry = properties.GetValue(Keys.RetryAllowed, false) && UpstreamRetryRules.IsRetryable(status, error, hasAlternative);
        if (retry)
        {
            context.SuppressResponseBody = true;
        }
        else if (error == KeyErrorKind.KeyRejected)
        {
            UpstreamErrorBody.WithholdKeyRejection(response, context.HttpContext.Response, provider.Name, lease?.Fingerprint ?? "none", status);
        }
        properties.Set(Keys.Answer, new UpstreamAnswer(status, retry, error));
    }
}
