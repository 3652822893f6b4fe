using System.Globalization;
using AiProxy.Http;
using AiProxy.Metrics;
using AiProxy.Routing;
using AiProxy.Streaming;
using AiProxy.Telemetry;
using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Pipeline;

/// <summary>
/// Last AiProxy step before YARP's forwarder. Each attempt picks a provider of the route and a key from its pool,
/// prepares the body (model rewrite), points YARP at the provider's cluster and forwards. A retryable answer
/// (429, 5xx, 401/403, connect error) is suppressed by <see cref="UpstreamOutcomeTransform"/> before any byte
/// reaches the client, and Polly runs the next attempt on another key or provider.
/// </summary>
internal sealed partial class UpstreamForwardingMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IProxyStateLookup _proxyState;
    private readonly ILogger<UpstreamForwardingMiddleware> _logger;
    private readonly TimeProvider _time;
    private readonly ProxyMetrics _metrics;

    public UpstreamForwardingMiddleware(RequestDelegate next, IProxyStateLookup proxyState, ILogger<UpstreamForwardingMiddleware> logger, TimeProvider time, ProxyMetrics metrics)
    {
        _next = next;
        _proxyState = proxyState;
        _logger = logger;
        _time = time;
        _metrics = metrics;
    }

    public Task Invoke(HttpContext context)
    {
        var feature = context.Features.Get<AiRequestFeature>();
        return feature is null ? _next(context) : ForwardAsync(context, feature);
    }

    private async Task ForwardAsync(HttpContext context, AiRequestFeature feature)
    {
        if (feature.StartTimestamp == 0)
        {
            feature.StartTimestamp = _time.GetTimestamp();
        }

        // The first attempt runs directly: most requests succeed at once and need no resilience machinery.
        // Only a retryable outcome enters the Polly pipeline, which replays that outcome as its first result
        // and then applies its backoff and attempt budget to the retries.
        var outcome = await AttemptAsync(context, feature);
        if (outcome is AttemptOutcome.RetrySwitch or AttemptOutcome.RetryBackoff)
        {
            feature.PendingOutcome = outcome;
            outcome = await feature.Snapshot.Retry.Pipeline.ExecuteAsync(
                static (state, _) => state.Feature.TakePendingOutcome(out var first) ? new ValueTask<AttemptOutcome>(first) : state.Self.AttemptAsync(state.Context, state.Feature),
                (Self: this, Context: context, Feature: feature),
                context.RequestAborted);
        }

        switch (outcome)
        {
            case AttemptOutcome.Done:
                await MapForwarderError(context, feature);
                break;
            default:
                await WriteNoCandidateAsync(context, feature);
                break;
        }
    }

    private async ValueTask<AttemptOutcome> AttemptAsync(HttpContext context, AiRequestFeature feature)
    {
        feature.Attempt++;
        if (feature.Attempt > 1)
        {
            // The previous answer was suppressed before anything was written: start clean.
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
            feature.RetryRequested = false;
        }

        if (!TrySelect(feature, out var provider, out var index, out var lease))
        {
            return AttemptOutcome.NoCandidate;
        }

        feature.Provider = provider;
        feature.Target = provider.Target;
        feature.Lease = lease;
        feature.ApiKey = lease?.Key;
        feature.UpstreamModel = feature.Operation == AiOperation.PassThrough ? null : feature.Route.RewriteModel ?? feature.Model;
        PrepareBody(context, feature);

        if (!PointAt(context, provider))
        {
            lease?.Dispose();
            feature.FailedProviders |= 1UL << index;
            return AttemptOutcome.RetrySwitch;
        }

        var policy = feature.Snapshot.Retry;
        feature.RetryAllowed = feature.Attempt < policy.MaxAttempts && _time.GetElapsedTime(feature.StartTimestamp) < policy.Deadline;
        feature.AttemptTimestamp = _time.GetTimestamp();
        feature.UpstreamStatus = 0;
        provider.Requests.Add(1);
        var span = ProxyTracing.StartAttempt(feature);

        try
        {
            await _next(context);
        }
        catch
        {
            lease?.Fail();
            provider.Breaker.Abandon();
            ProxyTracing.EndAttempt(span, feature, "exception");
            throw;
        }
        finally
        {
            // The body has been copied by now: settle the key's token window with the usage the upstream reported.
            if (feature.Usage is { } usage && !feature.RetryRequested)
            {
                lease?.ReportUsage(usage.Total);
                provider.Tokens.Add(usage.Total);
            }
            // No answer at all (connect error, timeout) feeds the key's breaker; it must be reported before the
            // lease is released, or a half-open probe would be freed as if it had no outcome.
            if (lease is not null && feature.UpstreamStatus == 0 && !context.RequestAborted.IsCancellationRequested
                && context.Features.Get<IForwarderErrorFeature>() is { Error: not ForwarderError.None })
            {
                lease.Fail();
            }
            lease?.Dispose();
            feature.Lease = null;
        }

        var keyId = lease?.Fingerprint ?? "none";
        if (feature.RetryRequested)
        {
            var status = feature.UpstreamStatus;
            _metrics.UpstreamAttempt(provider.Name, keyId, OutcomeLabel(status));
            ProxyTracing.EndAttempt(span, feature, OutcomeLabel(status));
            Log.Retrying(_logger, provider.Name, keyId, status, feature.Attempt);
            if (status >= 500 || status == 408)
            {
                feature.FailedProviders |= 1UL << index;
                return HasUntriedProvider(feature) ? AttemptOutcome.RetrySwitch : AttemptOutcome.RetryBackoff;
            }
            return AttemptOutcome.RetrySwitch;
        }

        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is { Error: not ForwarderError.None } && feature.UpstreamStatus == 0)
        {
            var aborted = context.RequestAborted.IsCancellationRequested;
            if (aborted)
            {
                provider.Breaker.Abandon();
            }
            else
            {
                provider.Breaker.Failure();
            }
            var errorOutcome = error.Error == ForwarderError.RequestTimedOut ? "timeout" : aborted ? "client_aborted" : "connect_error";
            _metrics.UpstreamAttempt(provider.Name, keyId, errorOutcome);
            ProxyTracing.EndAttempt(span, feature, errorOutcome);
            if (!aborted && feature.RetryAllowed && !context.Response.HasStarted)
            {
                Log.RetryingAfterError(_logger, provider.Name, error.Error.ToString(), feature.Attempt);
                feature.FailedProviders |= 1UL << index;
                return HasUntriedProvider(feature) ? AttemptOutcome.RetrySwitch : AttemptOutcome.RetryBackoff;
            }
            return AttemptOutcome.Done;
        }

        _metrics.UpstreamAttempt(provider.Name, keyId, OutcomeLabel(feature.UpstreamStatus));
        ProxyTracing.EndAttempt(span, feature, OutcomeLabel(feature.UpstreamStatus));
        return AttemptOutcome.Done;
    }

    /// <summary>Picks the next provider and key; records why nothing was available when it fails.</summary>
    private static bool TrySelect(AiRequestFeature feature, out ProviderRuntime provider, out int index, out KeyLease? lease)
    {
        var providers = feature.Route.Providers;
        Span<int> order = stackalloc int[Math.Min(providers.Length, 64)];
        Order(feature, providers, order);

        // First pass skips providers that already failed in this request; the second lets them try again.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var i in order)
            {
                if (pass == 0 && (feature.FailedProviders & (1UL << i)) != 0)
                {
                    continue;
                }
                var candidate = providers[i];
                KeyLease? candidateLease = null;
                if (candidate.Keys is { } pool)
                {
                    var result = pool.Acquire(feature.EstimatedTokens);
                    if (result.Status == KeyAcquireStatus.Exhausted)
                    {
                        // Keys cooling down after 429s mean "rate limited"; keys whose breakers are open mean "provider down".
                        if (AnyRateLimited(pool))
                        {
                            feature.SoonestKeyRecovery = Min(feature.SoonestKeyRecovery, result.RetryAfter);
                        }
                        else
                        {
                            feature.SoonestAvailable = Min(feature.SoonestAvailable, result.RetryAfter);
                        }
                        continue;
                    }
                    if (result.Status == KeyAcquireStatus.NoUsableKey)
                    {
                        feature.KeyProblem ??= candidate.KeyProblem ?? pool.DescribeUnavailable();
                        continue;
                    }
                    candidateLease = result.Lease;
                }
                if (!candidate.Breaker.TryEnter())
                {
                    candidateLease?.Dispose();
                    feature.SoonestAvailable = Min(feature.SoonestAvailable, candidate.Breaker.RetryAfter);
                    continue;
                }
                provider = candidate;
                index = i;
                lease = candidateLease;
                return true;
            }
            if (feature.FailedProviders == 0)
            {
                break;
            }
        }

        provider = null!;
        index = -1;
        lease = null;
        return false;
    }

    private static TimeSpan Min(TimeSpan? current, TimeSpan value) => current is { } c && c < value ? c : value;

    private static bool AnyRateLimited(UpstreamKeyPool pool)
    {
        // Only on the exhausted path: the snapshot allocation does not touch the hot path.
        foreach (var status in pool.GetKeyStatuses())
        {
            if (status.State == KeyState.Cooldown)
            {
                return true;
            }
        }
        return false;
    }

    private static void Order(AiRequestFeature feature, ProviderRuntime[] providers, Span<int> order)
    {
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (order.Length < 2)
        {
            return;
        }
        switch (feature.Route.Balance)
        {
            case BalanceMode.Weighted:
            {
                var total = 0;
                foreach (var p in providers)
                {
                    total += p.Weight;
                }
                var pick = Random.Shared.Next(total);
                var first = 0;
                for (; first < providers.Length - 1; first++)
                {
                    pick -= providers[first].Weight;
                    if (pick < 0)
                    {
                        break;
                    }
                }
                MoveToFront(order, first);
                break;
            }
            case BalanceMode.LeastLatency:
            {
                var best = 0;
                for (var i = 1; i < order.Length; i++)
                {
                    if (providers[i].Latency < providers[best].Latency)
                    {
                        best = i;
                    }
                }
                MoveToFront(order, best);
                break;
            }
        }

        static void MoveToFront(Span<int> order, int index)
        {
            for (var i = index; i > 0; i--)
            {
                order[i] = order[i - 1];
            }
            order[0] = index;
        }
    }

    private static bool HasUntriedProvider(AiRequestFeature feature)
    {
        var count = Math.Min(feature.Route.Providers.Length, 64);
        var all = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
        return (feature.FailedProviders & all) != all;
    }

    private Task WriteNoCandidateAsync(HttpContext context, AiRequestFeature feature)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }
        context.Response.Clear();
        var route = feature.Route.Name;
        if (feature.SoonestKeyRecovery is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            Log.AllKeysExhausted(_logger, route, seconds);
            return ProxyErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests,
                $"Rate limit reached for every upstream key of route '{route}'. Please try again in {seconds}s.", "requests", "rate_limit_exceeded");
        }
        if (feature.UpstreamStatus >= 500 || feature.FailedProviders != 0)
        {
            return ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                $"Every upstream provider of route '{route}' failed (last status {feature.UpstreamStatus}).", "server_error", "upstream_error");
        }
        if (feature.KeyProblem is { } problem)
        {
            Log.NoKey(_logger, route);
            return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, problem, "server_error", "upstream_key_missing", shouldRetry: false);
        }
        if (feature.SoonestAvailable is { } available)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(available.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
            $"Every upstream provider of route '{route}' is temporarily unavailable after repeated failures (circuit open).", "server_error", "upstream_unavailable");
    }

    private Task MapForwarderError(HttpContext context, AiRequestFeature feature)
    {
        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || error.Error == ForwarderError.None)
        {
            return Task.CompletedTask;
        }

        var provider = feature.Provider?.Name ?? "?";
        Log.ForwardFailed(_logger, provider, error.Error.ToString(), error.Exception?.GetType().Name);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return error.Error switch
        {
            ForwarderError.RequestTimedOut => ProxyErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                $"The upstream provider '{provider}' did not answer in time.", "server_error", "upstream_timeout"),
            ForwarderError.NoAvailableDestinations => ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"The upstream provider '{provider}' is unavailable.", "server_error", "upstream_unavailable"),
            _ => ProxyErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                $"The upstream provider '{provider}' could not be reached or failed ({error.Error}).", "server_error", "upstream_error"),
        };
    }

    private static void PrepareBody(HttpContext context, AiRequestFeature feature)
    {
        if (feature.Operation == AiOperation.PassThrough)
        {
            return;
        }

        var body = feature.Body;
        if (feature.UpstreamModel is { } upstreamModel && !string.Equals(upstreamModel, feature.Model, StringComparison.Ordinal))
        {
            body = ModelRewriter.Rewrite(body.Span, feature.ModelTokenStart, feature.ModelTokenLength, upstreamModel);
        }
        if (feature.Stream && !feature.HasStreamOptions && feature.Operation is AiOperation.ChatCompletions or AiOperation.Completions)
        {
            // Usage must be known to settle token limits and count tokens; the extra usage chunk this asks for is
            // dropped again on the way back (SseEventStream), so the client sees the stream it asked for.
            body = InsertIncludeUsage(body.Span, feature.BodyObjectStart);
            feature.StripUsageChunk = true;
        }

        // YARP reads Request.Body when it builds the outgoing content, so a fresh stream per attempt replays the body.
        var request = context.Request;
        request.Body = new ReadOnlyMemoryStream(body);
        request.ContentLength = body.Length;
        request.Headers.TransferEncoding = default;
    }

    private static readonly byte[] IncludeUsage = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();

    private static byte[] InsertIncludeUsage(ReadOnlySpan<byte> body, int objectStart)
    {
        var after = objectStart + 1;
        // An empty object would leave a trailing comma; such a body has no messages anyway, so leave it alone.
        var rest = body[after..].TrimStart(" \t\r\n"u8);
        var insert = rest.Length > 0 && rest[0] == (byte)'}' ? IncludeUsage.AsSpan(0, IncludeUsage.Length - 1) : IncludeUsage;
        var result = new byte[body.Length + insert.Length];
        body[..after].CopyTo(result);
        insert.CopyTo(result.AsSpan(after));
        body[after..].CopyTo(result.AsSpan(after + insert.Length));
        return result;
    }

    private bool PointAt(HttpContext context, ProviderRuntime provider)
    {
        var proxyFeature = context.GetReverseProxyFeature();
        if (string.Equals(proxyFeature.Cluster.Config.ClusterId, provider.Target.ClusterId, StringComparison.Ordinal))
        {
            return true;
        }
        if (!_proxyState.TryGetCluster(provider.Target.ClusterId, out var cluster))
        {
            return false;
        }
        context.ReassignProxyRequest(cluster);
        return true;
    }

    internal static string OutcomeLabel(int status) => status switch
    {
        0 => "no_response",
        < 400 => "ok",
        401 or 403 => "unauthorized",
        429 => "rate_limited",
        < 500 => "client_error",
        _ => "server_error",
    };

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Warning, "No provider of route {Route} has a usable API key; answering 503.")]
        public static partial void NoKey(ILogger logger, string route);

        [LoggerMessage(201, LogLevel.Warning, "Forwarding to provider {Provider} failed: {Error} ({Exception}).")]
        public static partial void ForwardFailed(ILogger logger, string provider, string error, string? exception);

        [LoggerMessage(202, LogLevel.Information, "Provider {Provider} key {Key} answered {Status} on attempt {Attempt}; retrying before the first byte.")]
        public static partial void Retrying(ILogger logger, string provider, string key, int status, int attempt);

        [LoggerMessage(203, LogLevel.Information, "Provider {Provider} failed ({Error}) on attempt {Attempt}; retrying.")]
        public static partial void RetryingAfterError(ILogger logger, string provider, string error, int attempt);

        [LoggerMessage(204, LogLevel.Warning, "Every upstream key of route {Route} is rate limited; answering 429 with retry-after {Seconds}s.")]
        public static partial void AllKeysExhausted(ILogger logger, string route, int seconds);
    }
}
