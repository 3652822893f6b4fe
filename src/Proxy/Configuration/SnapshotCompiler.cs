using System.Text;
using AiProxy.Configuration.Validation;
using AiProxy.Routing;
using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace AiProxy.Configuration;

/// <summary>Compiles validated options into routes, provider runtimes and YARP routes/clusters.</summary>
internal static class SnapshotCompiler
{
    public const string CatchAllRouteId = "aiproxy-v1";
    public const string ClusterPrefix = "aiproxy-provider-";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static AiProxySnapshot Compile(LoadedConfig config, int version, AiProxySnapshot? previous, ProviderRuntimeFactory runtimes)
    {
        var (options, configuration) = config;
        var providers = new Dictionary<string, ProviderRuntime>(StringComparer.OrdinalIgnoreCase);
        var signatures = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var clusters = new List<ClusterConfig>();
        foreach (var (name, p) in options.Providers)
        {
            var signature = Signature(configuration.GetSection($"{AiProxyOptions.SectionName}:Providers:{name}"));
            signatures[name] = signature;
            var clusterId = ClusterPrefix + name;
            if (previous is not null && previous.ProviderSignatures.TryGetValue(name, out var old) && old == signature
                && previous.Providers.TryGetValue(name, out var existing))
            {
                // Unchanged provider: keep its runtime (key state, counters) across the reload.
                providers[name] = existing;
            }
            else
            {
                providers[name] = runtimes.Create(name, p, clusterId);
            }

            Duration.TryParse(p.Timeout, out var timeout);
            clusters.Add(new ClusterConfig
            {
                ClusterId = clusterId,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["upstream"] = new() { Address = p.BaseUrl!.TrimEnd('/') },
                },
                HttpClient = new HttpClientConfig
                {
                    EnableMultipleHttp2Connections = true,
                    DangerousAcceptAnyServerCertificate = false,
                },
                HttpRequest = new ForwarderRequestConfig
                {
                    ActivityTimeout = timeout > TimeSpan.Zero ? timeout : DefaultTimeout,
                },
                Metadata = new Dictionary<string, string> { ["AiProxy.Provider"] = name },
            });
        }

        var routes = new CompiledRoute[options.Routes.Count];
        CompiledRoute? defaultRoute = null;
        CompiledRoute? starRoute = null;
        for (var i = 0; i < routes.Length; i++)
        {
            var r = options.Routes[i];
            var models = new ModelGlob[r.Models!.Count];
            for (var m = 0; m < models.Length; m++)
            {
                models[m] = new ModelGlob(r.Models[m].Trim());
            }
            var routeProviders = new ProviderRuntime[r.Providers!.Count];
            for (var p = 0; p < routeProviders.Length; p++)
            {
                routeProviders[p] = providers[r.Providers[p]];
            }
            var route = new CompiledRoute
            {
                Name = r.Name ?? "route" + i,
                Index = i,
                Models = models,
                Providers = routeProviders,
                Balance = BalanceModeNames.Table.Parse(r.Balance, BalanceMode.Fallback),
                RewriteModel = r.RewriteModel,
            };
            routes[i] = route;
            if (r.Default == true)
            {
                defaultRoute = route;
            }
            if (starRoute is null && Array.Exists(models, static g => g.Pattern == "*"))
            {
                starRoute = route;
            }
        }
        var table = new RouteTable(routes, defaultRoute ?? starRoute ?? routes[0]);

        var yarpRoutes = new List<RouteConfig>
        {
            new()
            {
                RouteId = CatchAllRouteId,
                ClusterId = table.Default.Providers[0].Target.ClusterId,
                // Raw ReverseProxy routes (lower Order) and the proxy's own endpoints (/v1/models) win over this catch-all.
                Order = 1000,
                Match = new RouteMatch { Path = "/v1/{**rest}" },
                Metadata = new Dictionary<string, string> { [UpstreamTransformProvider.MetadataKey] = "true" },
            },
        };

        return new AiProxySnapshot
        {
            Version = version,
            Options = options,
            Routes = table,
            Providers = providers,
            ProviderSignatures = signatures,
            YarpRoutes = yarpRoutes,
            YarpClusters = clusters,
            ReverseProxyData = config.ReverseProxyData(),
            Retry = new Pipeline.RetryPolicy(options.Retry, runtimes.Time),
            Clients = global::AiProxy.Clients.ClientTable.Compile(options),
            Prices = global::AiProxy.Metrics.PriceTable.Compile(options.Prices),
        };
    }

    private static string Signature(IConfigurationSection section)
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in section.AsEnumerable().OrderBy(static kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(key).Append('=').Append(value).Append('\n');
        }
        return sb.ToString();
    }
}
