using System.Diagnostics;
using AiProxy.Pipeline;
using AiProxy.Routing;
using AiProxy.Telemetry;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;
using Polly;
using Yarp.ReverseProxy.Forwarder;
using Keys = AiProxy.Upstream.UpstreamResilienceKeys;

namespace AiProxy.Upstream;

/// <summary>
/// One upstream attempt, run by the retry pipeline for every attempt: pick a provider and key, prepare the body,
/// point YARP at the provider and forward; then read the answer that <c>UpstreamOutcomeTransform</c> left in the
/// <see cref="ResilienceContext"/> and decide whether (and how) the retry strategy runs the next attempt.
/// </summary>
internal sealed class UpstreamAttemptRunner
{
    private readonly UpstreamCluster _cluster;
    private readonly AttemptTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly RetryPolicies _policies;

    public UpstreamAttemptRunner(UpstreamCluster cluster, AttemptTelemetry telemetry, TimeProvider time, RetryPolicies policies)
    {
        _cluster = cluster;
        _telemetry = telemetry;
        _time = time;
        _policies = policies;
    }

    /// <summary>
    /// Runs one attempt for the retry pipeline's <c>ExecuteOutcomeAsync</c>: a failure comes back in the outcome instead of
    /// being thrown, so Polly needs none of the async frames that wrap a callback's exceptions and rethrow them.
    /// </summary>
    public async ValueTask<Outcome<AttemptOutcome>> RunAsync(ResilienceContext attempt, HttpContext context, AiRequestFeature feature, RequestDelegate forward)
    {
        try
        {
            BeginAttempt(context, feature);
            attempt.Properties.TryGetValue(Keys.FailedProviders, out var failed);
            if (!ProviderCandidates.TrySelect(feature, failed, out var provider, out var index, out var lease))
            {
                return Outcome.FromResult(AttemptOutcome.NoCandidate);
            }

            feature.Provider = provider;
            feature.Target = provider.Target;
            feature.Lease = lease;
            feature.ApiKey = lease?.Key;
            feature.UpstreamModel = feature.Operation == AiOperation.PassThrough ? null : feature.Route.RewriteModel ?? feature.Request?.Model;
            UpstreamBody.Prepare(context, feature);

            if (!_cluster.PointAt(context, provider))
            {
                lease?.Dispose();
                MarkFailed(attempt, feature, index);
                return Outcome.FromResult(AttemptOutcome.RetrySwitch);
            }

            var retryAllowed = Start(attempt, feature, provider, lease);
            var span = ProxyTracing.StartAttempt(feature);
            try
            {
                await forward(context);
            }
            catch
            {
                lease?.Fail();
                provider.Breaker.Abandon();
                ProxyTracing.EndAttempt(span, feature, "exception", retried: false);
                throw;
            }
            finally
            {
                Settle(attempt, context, feature, provider, lease);
            }

            return Outcome.FromResult(Decide(attempt, context, feature, provider, index, lease, span, retryAllowed));
        }
        catch (Exception ex)
        {
            return Outcome.FromException<AttemptOutcome>(ex);
        }
    }

    private static void BeginAttempt(HttpContext context, AiRequestFeature feature)
    {
        feature.Attempt++;
        if (feature.Attempt > 1)
        {
            // The previous answer was suppressed before anything was written: start clean.
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
        }
    }

    /// <summary>Writes the attempt's state into the resilience context, where the response transform reads it.</summary>
    private bool Start(ResilienceContext attempt, AiRequestFeature feature, ProviderRuntime provider, KeyLease? lease)
    {
        var policy = _policies.For(feature.Snapshot);
        var retryAllowed = UpstreamRetryRules.MayRetry(feature.Attempt, policy.MaxAttempts, _time.GetElapsedTime(feature.StartTimestamp), policy.Deadline);
        var now = _time.GetTimestamp();
        if (!attempt.Properties.TryGetValue(Keys.Attempt, out var state))
        {
            state = new UpstreamAttemptState();
            attempt.Properties.Set(Keys.Attempt, state);
        }
        state.Provider = provider;
        state.Lease = lease;
        state.RetryAllowed = retryAllowed;
        // On the last attempt a keyed stream is still read up to its first event (not retried): an in-band 429 or 401 must reach the key.
        state.FirstEventHold = retryAllowed || lease is not null ? policy.FirstEventTimeout : TimeSpan.Zero;
        state.AttemptStart = now;
        state.Answer = default;
        feature.AttemptTimestamp = now;
        feature.UpstreamStatus = 0;
        provider.Requests.Add(1);
        return retryAllowed;
    }

    /// <summary>The answer the response transform recorded for this attempt (none when it never ran: no response).</summary>
    private static UpstreamAnswer AnswerOf(ResilienceContext attempt)
        => attempt.Properties.TryGetValue(Keys.Attempt, out var state) ? state.Answer : default;

    /// <summary>Runs once the body was copied (or suppressed): settles the key's usage and releases the lease.</summary>
    private static void Settle(ResilienceContext attempt, HttpContext context, AiRequestFeature feature, ProviderRuntime provider, KeyLease? lease)
    {
        var answer = AnswerOf(attempt);
        feature.UpstreamStatus = answer.Status;
        if (feature.Usage is { } usage && !answer.RetryRequested)
        {
            lease?.ReportUsage(usage.Total);
            provider.Tokens.Add(usage.Total);
        }
        // No answer at all (connect error, timeout) feeds the key's breaker; it must be reported before the
        // lease is released, or a half-open probe would be freed as if it had no outcome.
        if (lease is not null && answer.Status == 0 && !context.RequestAborted.IsCancellationRequested
            && context.Features.Get<IForwarderErrorFeature>() is { Error: not ForwarderError.None })
        {
            lease.Fail();
        }
        lease?.Dispose();
        feature.Lease = null;
    }

    private AttemptOutcome Decide(ResilienceContext attempt, HttpContext context, AiRequestFeature feature, ProviderRuntime provider, int index,
        KeyLease? lease, Activity? span, bool retryAllowed)
    {
        var keyId = lease?.Fingerprint ?? "none";
        var answer = AnswerOf(attempt);
        if (answer.RetryRequested)
        {
            _telemetry.Answered(span, feature, provider.Name, keyId, answer, retrying: true);
            return UpstreamRetryRules.IsProviderFailure(answer.Status) ? MarkFailed(attempt, feature, index) : AttemptOutcome.RetrySwitch;
        }

        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is not { Error: not ForwarderError.None } || answer.Status != 0)
        {
            _telemetry.Answered(span, feature, provider.Name, keyId, answer, retrying: false);
            return AttemptOutcome.Done;
        }

        // The client going away is not the provider's failure: it frees a breaker probe instead of counting.
        var aborted = context.RequestAborted.IsCancellationRequested;
        if (aborted)
        {
            provider.Breaker.Abandon();
        }
        else
        {
            provider.Breaker.Failure();
        }
        var outcome = error.Error == ForwarderError.RequestTimedOut ? "timeout" : aborted ? "client_aborted" : "connect_error";
        _telemetry.Failed(span, feature, provider.Name, keyId, outcome);
        if (!UpstreamRetryRules.RetryAfterError(aborted, retryAllowed, context.Response.HasStarted))
        {
            return AttemptOutcome.Done;
        }
        _telemetry.RetryingAfterError(provider.Name, error.Error.ToString(), feature.Attempt);
        return MarkFailed(attempt, feature, index);
    }

    /// <summary>Remembers a failed provider for this request and says whether an untried one is left to switch to.</summary>
    private static AttemptOutcome MarkFailed(ResilienceContext attempt, AiRequestFeature feature, int index)
    {
        if (!attempt.Properties.TryGetValue(Keys.FailedProviders, out var failed))
        {
            failed = new FailedProviderSet(feature.Route.Providers.Length);
            attempt.Properties.Set(Keys.FailedProviders, failed);
        }
        failed.Add(index);
        return UpstreamRetryRules.AfterProviderFailure(failed.HasUntried);
    }
}
