using AiProxy.Http;
using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Streaming;
using AiProxy.Transforms.Keys;
using Polly;
using Yarp.ReverseProxy.Transforms;
using Keys = AiProxy.Upstream.UpstreamResilienceKeys;

namespace AiProxy.Upstream;

/// <summary>
/// Runs when the upstream's status and headers arrive, before any body byte is copied: feeds the key pool
/// (cooldowns from retry-after / x-ratelimit-*; for 403/429 the start of the body says whether the key is at fault), the provider breaker and latency, writes the answer into the
/// attempt's <see cref="ResilienceContext"/>, and suppresses a retryable answer so the next attempt can run.
/// A retryable SSE answer is held until its first event (<see cref="FirstEventProbe"/>): a stream that fails or opens
/// with an in-band error before any content is retried like a 502.
/// </summary>
internal sealed class UpstreamOutcomeTransform : ResponseTransform
{
    /// <summary>The status a stream that failed before its first event counts as (the client never sees it).</summary>
    private const int FailedStreamStatus = 502;

    private readonly TimeProvider _time;

    public UpstreamOutcomeTransform(TimeProvider time) => _time = time;

    public override ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var response = context.ProxyResponse;
        var attempt = context.HttpContext.Features.Get<ResilienceContext>();
        if (response is null || attempt is null || !attempt.Properties.TryGetValue(Keys.Attempt, out var state) || state.Provider is not { } provider)
        {
            return default;
        }

        var status = (int)response.StatusCode;
        if (UpstreamErrorBody.ShouldRead(response, status))
        {
            // 403 and 429 say in their body whether the key or the request is at fault (Upstream/UpstreamErrorBody).
            return ApplyWithBodyAsync(context, state, provider, response, status);
        }

        var feature = context.HttpContext.Features.Get<AiRequestFeature>();
        if (status is >= 200 and < 300 && UpstreamContentType.IsEventStream(response.Content)
            && feature is not null && state.FirstEventHold is { Ticks: > 0 } hold)
        {
            // The key's outcome waits for the first event: an in-band 429 or 401 must cool or disable it as the HTTP one would.
            return HoldForFirstEventAsync(context, response, state, provider, feature, hold);
        }
        var error = KeyErrorClassifier.Classify(status, default);
        state.Lease?.Complete(status, response.Headers, error);
        Record(context, state, provider, feature, status, error);
        return default;
    }

    private async ValueTask ApplyWithBodyAsync(ResponseTransformContext context, UpstreamAttemptState state, ProviderRuntime provider,
        HttpResponseMessage response, int status)
    {
        var error = await UpstreamErrorBody.ClassifyAsync(response, status, _time, context.HttpContext.RequestAborted).ConfigureAwait(false);
        state.Lease?.Complete(status, response.Headers, error);
        Record(context, state, provider, context.HttpContext.Features.Get<AiRequestFeature>(), status, error);
    }

    private async ValueTask HoldForFirstEventAsync(ResponseTransformContext context, HttpResponseMessage response, UpstreamAttemptState state,
        ProviderRuntime provider, AiRequestFeature feature, TimeSpan hold)
    {
        var lease = state.Lease;
        var status = (int)response.StatusCode;
        Stream? inner = null;
        (FirstEventKind Kind, HeldSseBody Body, byte[]? ErrorData) first;
        try
        {
            inner = await response.Content.ReadAsStreamAsync(context.CancellationToken).ConfigureAwait(false);
            first = await FirstEventProbe.ReadAsync(inner, hold, _time, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client left while the answer was held: nothing to send, and not the provider's failure.
            inner?.Dispose();
            lease?.Complete(status, response.Headers, KeyErrorKind.None);
            provider.Breaker.Abandon();
            context.SuppressResponseBody = true;
            state.Answer = new UpstreamAnswer(status, RetryRequested: false);
            return;
        }
        catch (OperationCanceledException)
        {
            inner?.Dispose();
            lease?.Complete(FailedStreamStatus, response.Headers, KeyErrorKind.None);
            Record(context, state, provider, feature, FailedStreamStatus, KeyErrorKind.None);
            return;
        }

        // Nothing reached the client yet: a failed or erroring first event counts as the HTTP answer it stands for.
        var error = KeyErrorKind.None;
        if (first.Kind == FirstEventKind.InBandError)
        {
            status = KeyErrorClassifier.InBandStatus(first.ErrorData);
            error = KeyErrorClassifier.Classify(status, first.ErrorData);
        }
        else if (first.Kind == FirstEventKind.Failed)
        {
            status = FailedStreamStatus;
        }
        lease?.Complete(status, response.Headers, error);
        var retry = Record(context, state, provider, feature, status, error, inBand: true);
        if (retry || error == KeyErrorKind.KeyRejected)
        {
            // Retried: drop this body (and its connection) and let the next attempt run. A key rejection that goes to
            // the client was replaced by the proxy's own error event (the provider's may echo the key).
            first.Body.Dispose();
            return;
        }
        // Content, the last attempt, or an error no other key would change: the client gets the stream as the upstream sent it.
        response.Content = new HeldContent(response.Content, first.Body);
    }

    /// <summary>Feeds the provider's breaker and latency and decides the retry; returns whether the answer is suppressed for another attempt.</summary>
    /// <remarks><c>inBand</c>: the answer is a 200 stream whose first event stood for <c>status</c> (the client's status line is already 200).</remarks>
    private bool Record(ResponseTransformContext context, UpstreamAttemptState state, ProviderRuntime provider, AiRequestFeature? feature, int status,
        KeyErrorKind error, bool inBand = false)
    {
        if (status >= 500)
        {
            provider.Breaker.Failure();
        }
        else
        {
            provider.Breaker.Success();
            provider.RecordLatency(_time.GetElapsedTime(state.AttemptStart));
        }

        var hasAlternative = feature?.Route.Providers.Length > 1 || provider.Keys is { Count: > 1 };
        var retry = state.RetryAllowed && UpstreamRetryRules.IsRetryable(status, error, hasAlternative);
        if (retry)
        {
            context.SuppressResponseBody = true;
        }
        else if (error == KeyErrorKind.KeyRejected)
        {
            UpstreamErrorBody.WithholdKeyRejection(context.ProxyResponse!, context.HttpContext.Response, provider.Name,
                state.Lease?.Fingerprint ?? "none", status, inBand);
        }
        state.Answer = new UpstreamAnswer(status, retry, error);
        return retry;
    }
}
