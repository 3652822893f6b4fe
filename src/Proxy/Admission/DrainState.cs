using Microsoft.Extensions.Hosting;

namespace AiProxy.Admission;

/// <summary>
/// Set once the host starts stopping (SIGTERM): readiness answers 503 at once so the pod leaves its Service, new
/// <c>/v1</c> requests get 503, and requests already in flight get <c>AiProxy:DrainTimeout</c> to finish.
/// </summary>
internal sealed class DrainState
{
    private volatile bool _draining;

    public DrainState(IHostApplicationLifetime lifetime)
    {
        lifetime.ApplicationStopping.Register(static state => ((DrainState)state!)._draining = true, this);
    }

    /// <summary>Gets a value indicating whether the host is shutting down.</summary>
    public bool IsDraining => _draining;
}
