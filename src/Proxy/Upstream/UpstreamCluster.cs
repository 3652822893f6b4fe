using AiProxy.Routing;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Upstream;

/// <summary>Points YARP's forwarder at the cluster of the attempt's provider.</summary>
internal sealed class UpstreamCluster
{
    private readonly IProxyStateLookup _proxyState;

    public UpstreamCluster(IProxyStateLookup proxyState) => _proxyState = proxyState;

    /// <summary>Returns false when the provider's cluster is not (or no longer) known to YARP.</summary>
    public bool PointAt(HttpContext context, ProviderRuntime provider)
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
}
