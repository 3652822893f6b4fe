using AiProxy.Http;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Admission;

/// <summary>
/// The front gate of every <c>/v1</c> request: refuses new work while the host drains, and bounds concurrency with a
/// short queue (<see cref="OverloadGate"/>) so overload answers a fast 503 <c>server_overloaded</c> (with <c>retry-after</c>) instead of piling up
/// timeouts. Health, readiness, <c>/metrics</c> and <c>/admin</c> never pass through it.
/// </summary>
internal sealed class AdmissionMiddleware
{
    private const string Overloaded = "AiProxy is overloaded (AiProxy:Overload limits reached); retry after a short wait.";
    private static readonly PathString V1 = new("/v1");

    private readonly RequestDelegate _next;
    private readonly OverloadGate _gate;
    private readonly DrainState _drain;
    private readonly AdmissionMetrics _metrics;
    private readonly TimeProvider _time;

    public AdmissionMiddleware(RequestDelegate next, OverloadGate gate, DrainState drain, AdmissionMetrics metrics, TimeProvider time)
    {
        _next = next;
        _gate = gate;
        _drain = drain;
        _metrics = metrics;
        _time = time;
    }

    public Task Invoke(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(V1, StringComparison.OrdinalIgnoreCase))
        {
            return _next(context);
        }
        if (_drain.IsDraining)
        {
            _metrics.Shed(AdmissionMetrics.Draining);
            return RefuseAsync(context, "AiProxy is shutting down; retry the request (another replica will take it).", "server_shutting_down");
        }
        return _gate.TryEnter() ? RunAsync(context) : QueueAsync(context);
    }

    private async Task RunAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task QueueAsync(HttpContext context)
    {
        bool entered;
        using (var timeout = new CancellationTokenSource(_gate.QueueTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted))
        {
            entered = _gate.QueueLimit > 0 && await _gate.EnterAsync(linked.Token);
            if (!entered && context.RequestAborted.IsCancellationRequested)
            {
                return; // the client left while queued: nothing to answer
            }
            if (!entered)
            {
                _metrics.Shed(timeout.IsCancellationRequested ? AdmissionMetrics.QueueTimeout : AdmissionMetrics.QueueFull);
                await RefuseAsync(context, Overloaded, "server_overloaded");
                return;
            }
        }
        await RunAsync(context);
    }

    private static Task RefuseAsync(HttpContext context, string message, string code)
    {
        context.Response.Headers.RetryAfter = "1";
        return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, "server_error", code, shouldRetry: true);
    }
}
