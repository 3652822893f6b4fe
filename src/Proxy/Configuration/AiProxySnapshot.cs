using AiProxy.Routing;
using Yarp.ReverseProxy.Configuration;

namespace AiProxy.Configuration;

/// <summary>One validated, compiled generation of the config; immutable, swapped whole on reload.</summary>
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

    public required Pipeline.RetryPolicy Retry { get; init; }

    public required Clients.ClientTable Clients { get; init; }

    public required Metrics.PriceTable Prices { get; init; }

    public long MaxRequestBodyBytes => Options.MaxRequestBodyBytes ?? DefaultMaxRequestBodyBytes;
}
