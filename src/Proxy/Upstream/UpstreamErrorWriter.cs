using System.Globalization;
using AiProxy.Http;
using AiProxy.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace AiProxy.Upstream;

/// <summary>The client-facing errors of the upstream step: no candidate left, or a forwarder failure with nothing sent yet.</summary>
internal sealed partial class UpstreamErrorWriter
{
    private readonly ILogger _logger;

    public UpstreamErrorWriter(ILogger<UpstreamErrorWriter> logger) => _logger = logger;

    /// <summary>Answers a request no provider or key could take: 429 (keys cooling down), 502 (providers failed) or 503.</summary>
    public Task WriteNoCandidateAsync(HttpContext context, AiRequestFeature feature, bool anyProviderFailed)
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
        if (feature.UpstreamStatus >= 500 || anyProviderFailed)
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

    /// <summary>Turns YARP's forwarder error of the final attempt into an OpenAI-style error, unless bytes were already sent.</summary>
    public Task WriteForwarderErrorAsync(HttpContext context, AiRequestFeature feature)
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

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Warning, "No provider of route {Route} has a usable API key; answering 503.")]
        public static partial void NoKey(ILogger logger, string route);

        [LoggerMessage(201, LogLevel.Warning, "Forwarding to provider {Provider} failed: {Error} ({Exception}).")]
        public static partial void ForwardFailed(ILogger logger, string provider, string error, string? exception);

        [LoggerMessage(204, LogLevel.Warning, "Every upstream key of route {Route} is rate limited; answering 429 with retry-after {Seconds}s.")]
        public static partial void AllKeysExhausted(ILogger logger, string route, int seconds);
    }
}
