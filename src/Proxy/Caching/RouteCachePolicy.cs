using System.Runtime.CompilerServices;
using AiProxy.Configuration;
using AiProxy.Runtime;

namespace AiProxy.Caching;

/// <summary>The effective cache settings of one route (route override, else global, else default), compiled once per config generation.</summary>
internal sealed class RouteCachePolicy
{
    /// <summary>The entry lifetime when neither the route nor the global config sets one.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(1);

    private static readonly ConditionalWeakTable<AiProxySnapshot, RouteCachePolicy[]> BySnapshot = new();

    public RouteCachePolicy(CacheMode mode, TimeSpan ttl, bool shared)
    {
        Mode = mode;
        Ttl = ttl;
        Shared = shared;
    }

    public CacheMode Mode { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Gets a value indicating whether entries are shared by all clients instead of scoped per client.</summary>
    public bool Shared { get; }

    /// <summary>Gets the policy of a route in a config generation (compiled on first use, then a table lookup).</summary>
    public static RouteCachePolicy For(AiProxySnapshot snapshot, int routeIndex)
    {
        var table = BySnapshot.GetValue(snapshot, static s => Compile(s.Options));
        return (uint)routeIndex < (uint)table.Length ? table[routeIndex] : Compile(snapshot.Options.Cache, null);
    }

    internal static RouteCachePolicy[] Compile(AiProxyOptions options)
    {
        var routes = options.Routes;
        var table = new RouteCachePolicy[routes.Count];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Compile(options.Cache, routes[i].Cache);
        }
        return table;
    }

    internal static RouteCachePolicy Compile(CacheOptions? global, RouteCacheOptions? route)
    {
        var mode = ParseMode(route?.Mode ?? global?.Mode);
        var ttl = Duration.TryParse(route?.Ttl, out var routeTtl) ? routeTtl
            : Duration.TryParse(global?.Ttl, out var globalTtl) ? globalTtl
            : DefaultTtl;
        return new RouteCachePolicy(ttl <= TimeSpan.Zero ? CacheMode.Off : mode, ttl, route?.Shared ?? false);
    }

    internal static CacheMode ParseMode(string? mode) => CacheModeNames.Table.Parse(mode, CacheMode.Deterministic);
}
