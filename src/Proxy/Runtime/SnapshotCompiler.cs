using System.Text;
using AiProxy.Configuration;
using AiProxy.Configuration.Validation;
using AiProxy.Routing;
using RouteOptions = AiProxy.Configuration.RouteOptions;
using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.Configuration;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace AiProxy.Runtime;

/// <summary>Compiles validated options into routes, provider runtimes and YARP routes/clusters.</summary>
internal static class SnapshotCompiler
{
    public const string CatchAllRouteId = "aiproxy-v1";
    public const string ClusterPrefix = "aiproxy-provider-";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Reads, validates and compiles the file in one go (the validate command, reloads and tests).</summary>
    public static List<ConfigError> TryLoad(ConfigLoader loader, ProviderRuntimeFactory runtimes, int version, AiProxySnapshot? previous, out AiProxySnapshot? snapshot)
    {
        var errors = loader.Load(out var config);
        snapshot = config is null ? null : Compile(config, version, previous, runtimes);
        return errors;
    }

    /// <summary>Compiles a validated config; providers whose settings did not change keep their runtime from <paramref name="previous"/>.</summary>
    public static AiProxySnapshot Compile(LoadedConfig config, int version, AiProxySnapshot? previous, ProviderRuntimeFactory runtimes)
    {
        var options = config.Options;
        var providers = new Dictionary<string, ProviderRuntime>(StringComparer.OrdinalIgnoreCase);
        var signatures = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var clusters = new List<ClusterConfig>();
        foreach (var (name, p) in options.Providers)
        {
            var signature = Signature(config.Root.GetSection($"{AiProxyOptions.SectionName}:Providers:{name}"));
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
            clusters.Add(Cluster(name, clusterId, p));
        }

        var table = Routes(options.Routes, providers);
        return new AiProxySnapshot
        {
            Version = version,
            Options = options,
            Routes = table,
            Providers = providers,
            ProviderSignatures = signatures,
            YarpRoutes = [CatchAllRoute(table)],
            YarpClusters = clusters,
            ReverseProxyData = config.ReverseProxyData(),
        };
    }

    private static ClusterConfig Cluster(string name, string clusterId, ProviderOptions p)
    {
        Duration.TryParse(p.Timeout, out var timeout);
        return new ClusterConfig
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
            Metadata = new Dictionary<string, string> { [UpstreamTransformExtensions.ClusterMetadataKey] = name },
        };
    }

    /// <summary>Compiles the routes; the default route is the one marked <c>Default</c>, else the first with <c>*</c>, else the first.</summary>
    private static RouteTable Routes(List<RouteOptions> options, Dictionary<string, ProviderRuntime> providers)
    {
        var routes = new CompiledRoute[options.Count];
        CompiledRoute? defaultRoute = null;
        CompiledRoute? starRoute = null;
        for (var i = 0; i < routes.Length; i++)
        {
            var r = options[i];
            var models = r.Models!.Select(static m => new ModelGlob(m.Trim())).ToArray();
            var route = new CompiledRoute
            {
                Name = r.Name ?? "route" + i,
                Index = i,
                Models = models,
                Providers = r.Providers!.Select(p => providers[p]).ToArray(),
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
        return new RouteTable(routes, defaultRoute ?? starRoute ?? routes[0]);
    }

    private static RouteConfig CatchAllRoute(RouteTable table) => new RouteConfig
    {
        RouteId = CatchAllRouteId,
        ClusterId = table.Default.Providers[0].Target.ClusterId,
        // Raw ReverseProxy routes (lower Order) and the proxy's own endpoints (/v1/models) win over this catch-all.
        Order = 1000,
        Match = new RouteMatch { Path = "/v1/{**rest}" },
    }.WithAiProxyUpstream();

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
