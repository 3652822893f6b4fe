using System.Threading.RateLimiting;
using AiProxy.Http;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Admission;

/// <summary>
/// The front gate of every <c>/v1</c> request: refuses new work while the host drains, and bounds concurrency with a
/// short queue so overload answers a fast 503 <c>server_overloaded</c> (with <c>retry-after</c>) instead of piling up
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
        var lease = _gate.TryEnter();
        return lease.IsAcquired ? RunAsync(context, lease) : QueueAsync(context, lease);
    }

    private async Task RunAsync(HttpContext context, RateLimitLease lease)
    {
        using (lease)
        {
            await _next(context);
        }
    }

    private async Task QueueAsync(HttpContext context, RateLimitLease failed)
    {
        failed.Dispose();
        if (_gate.QueueLimit == 0)
        {
            _metrics.Shed(AdmissionMetrics.QueueFull);
            await RefuseAsync(context, Overloaded, "server_overloaded");
            return;
        }
        RateLimitLease lease;
        using (var timeout = new CancellationTokenSource(_gate.QueueTimeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted))
        {
            try
            {
                lease = await _gate.EnterAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return; // the client left while queued: nothing to answer
                }
                _metrics.Shed(AdmissionMetrics.QueueTimeout);
                await RefuseAsync(context, Overloaded, "server_overloaded");
                return;
            }
        }
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            _metrics.Shed(AdmissionMetrics.QueueFull);
            await RefuseAsync(context, Overloaded, "server_overloaded");
            return;
        }
        await RunAsync(context, lease);
    }

    private static Task RefuseAsync(HttpContext context, string message, string code)
    {
        context.Response.Headers.RetryAfter = "1";
        return ProxyErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message, "server_error", code, shouldRetry: true);
    }
}
