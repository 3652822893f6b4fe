using System.Runtime.ExceptionServices;
using AiProxy.Metrics;
using AiProxy.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Yarp.ReverseProxy;

namespace AiProxy.Upstream;

/// <summary>
/// Last AiProxy step before YARP's forwarder: runs the route's retry pipeline, which runs every upstream attempt
/// (<see cref="UpstreamAttemptRunner"/>). The attempt's state lives in a pooled Polly <see cref="ResilienceContext"/>,
/// published as a request feature for the response transform (<see cref="UpstreamOutcomeTransform"/>) that sees the
/// upstream status and suppresses a retryable answer before any byte reaches the client.
/// </summary>
internal sealed class UpstreamForwardingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly UpstreamAttemptRunner _attempts;
    private readonly UpstreamErrorWriter _errors;
    private readonly RetryPolicies _policies;

    public UpstreamForwardingMiddleware(RequestDelegate next, IProxyStateLookup proxyState, ILoggerFactory loggers, TimeProvider time, ProxyMetrics metrics)
    {
        _next = next;
        _policies = new RetryPolicies(time);
        _attempts = new UpstreamAttemptRunner(new UpstreamCluster(proxyState), new AttemptTelemetry(metrics, loggers.CreateLogger<AttemptTelemetry>()), time, _policies);
        _errors = new UpstreamErrorWriter(loggers.CreateLogger<UpstreamErrorWriter>());
    }

    public Task Invoke(HttpContext context)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        return feature is null ? _next(context) : ForwardAsync(context, feature);
    }

    private async Task ForwardAsync(HttpContext context, AiRequestFeature feature)
    {
        var attempt = ResilienceContextPool.Shared.Get(context.RequestAborted);
        context.Features.Set(attempt);
        try
        {
            var result = await _policies.For(feature.Snapshot).Pipeline.ExecuteOutcomeAsync(
                static (attempt, state) => state.Self._attempts.RunAsync(attempt, state.Context, state.Feature, state.Self._next),
                attempt,
                (Self: this, Context: context, Feature: feature));
            if (result.Exception is { } failure)
            {
                if (failure is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
                {
                    // The client went away during a backoff: nothing to answer, and not a failure.
                    return;
                }
                ExceptionDispatchInfo.Throw(failure);
            }
            var outcome = result.Result;

            if (outcome == AttemptOutcome.Done)
            {
                await _errors.WriteForwarderErrorAsync(context, feature);
            }
            else
            {
                var anyFailed = attempt.Properties.TryGetValue(UpstreamResilienceKeys.FailedProviders, out var failed) && !failed.IsEmpty;
                await _errors.WriteNoCandidateAsync(context, feature, anyFailed);
            }
        }
        finally
        {
            context.Features.Set<ResilienceContext>(null);
            ResilienceContextPool.Shared.Return(attempt);
        }
    }
}
