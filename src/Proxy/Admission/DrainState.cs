using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiProxy.Admission;

/// <summary>
/// Set once the host starts stopping (SIGTERM): readiness answers 503 at once so the pod leaves its Service, new
/// <c>/v1</c> requests get 503, and requests already in flight get <c>AiProxy:DrainTimeout</c> to finish. Streams still
/// open shortly before that deadline are ended with an error event (<see cref="StreamsEnding"/>), so that they close
/// cleanly before the host cuts the connections.
/// </summary>
internal sealed class DrainState
{
    /// <summary>The most time kept between ending the streams and the host's deadline (for the error events to go out).</summary>
    private static readonly TimeSpan MaxMargin = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _streamsEnding;
    private readonly TimeSpan _streamsEndAfter;
    private volatile bool _draining;

    public DrainState(IHostApplicationLifetime lifetime, IOptions<HostOptions> host, TimeProvider time)
    {
        var drain = host.Value.ShutdownTimeout;
        _streamsEndAfter = drain - Min(MaxMargin, drain / 5);
        _streamsEnding = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        lifetime.ApplicationStopping.Register(static state => ((DrainState)state!).OnStopping(), this);
    }

    /// <summary>Gets a value indicating whether the host is shutting down.</summary>
    public bool IsDraining => _draining;

    /// <summary>Gets a token that fires when streams still open must end (just before the drain deadline).</summary>
    public CancellationToken StreamsEnding => _streamsEnding.Token;

    private void OnStopping()
    {
        _draining = true;
        _streamsEnding.CancelAfter(_streamsEndAfter);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
