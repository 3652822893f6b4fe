using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Runtime;

/// <summary>Feeds the routes and clusters compiled from the AiProxy config to YARP, and signals YARP on every reload.</summary>
internal sealed class AiProxyYarpConfigProvider : IProxyConfigProvider
{
    private readonly AiProxyConfigStore _store;

    public AiProxyYarpConfigProvider(AiProxyConfigStore store) => _store = store;

    public IProxyConfig GetConfig()
    {
        // Take the token before the snapshot so a reload in between is never missed.
        var token = _store.GetChangeToken();
        var snapshot = _store.Current;
        return new Config(snapshot, token);
    }

    private sealed class Config(AiProxySnapshot snapshot, IChangeToken token) : IProxyConfig
    {
        public string RevisionId { get; } = snapshot.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public IReadOnlyList<RouteConfig> Routes => snapshot.YarpRoutes;

        public IReadOnlyList<ClusterConfig> Clusters => snapshot.YarpClusters;

        public IChangeToken ChangeToken => token;
    }
}
