using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Tests.Upstream;

/// <summary>The forwarder error YARP sets on a failed forward, for tests that play the forwarder.</summary>
internal sealed class ErrorFeature(ForwarderError error) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception => null;
}

/// <summary>A YARP state lookup without routes or clusters: the attempt runner then forwards to the provider's own cluster.</summary>
internal sealed class NoClusters : IProxyStateLookup
{
    public bool TryGetRoute(string id, out RouteModel route)
    {
        route = null!;
        return false;
    }

    public IEnumerable<RouteModel> GetRoutes() => [];

    public bool TryGetCluster(string id, out ClusterState cluster)
    {
        cluster = null!;
        return false;
    }

    public IEnumerable<ClusterState> GetClusters() => [];
}
