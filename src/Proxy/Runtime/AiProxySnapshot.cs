using AiProxy.Configuration;
using AiProxy.Routing;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Runtime;

/// <summary>
/// One validated, compiled generation of the config; immutable, swapped whole on reload. It holds the options, the
/// routes and providers, and YARP's routes and clusters; each concern compiles its own piece from it once per generation
/// (<c>ClientTable.For</c>, <c>PriceTable.For</c>, <c>RouteCachePolicy.For</c>, <c>RetryPolicies</c>).
/// </summary>
internal sealed class AiProxySnapshot
{
    public const long DefaultMaxRequestBodyBytes = 10 * 1024 * 1024;

    public required int Version { get; init; }

    public required AiProxyOptions Options { get; init; }

    public required RouteTable Routes { get; init; }

    public required IReadOnlyDictionary<string, ProviderRuntime> Providers { get; init; }

    /// <summary>Gets the provider signatures (flattened config) used to keep runtime state of unchanged providers across reloads.</summary>
    public required IReadOnlyDictionary<string, string> ProviderSignatures { get; init; }

    public required IReadOnlyList<RouteConfig> YarpRoutes { get; init; }

    public required IReadOnlyList<ClusterConfig> YarpClusters { get; init; }

    /// <summary>Gets the raw <c>ReverseProxy</c> section, flattened, handed to YARP's own config loader.</summary>
    public required IReadOnlyDictionary<string, string?> ReverseProxyData { get; init; }

    public long MaxRequestBodyBytes => Options.MaxRequestBodyBytes ?? DefaultMaxRequestBodyBytes;
}
