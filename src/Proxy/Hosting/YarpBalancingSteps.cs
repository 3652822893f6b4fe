using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Hosting;

/// <summary>
/// YARP's session affinity, load balancing and passive health checks, run only for a cluster that uses one of them.
/// AiProxy's provider clusters have one destination each and no affinity or passive checks (key pools and breakers do
/// that work), so their requests go straight to the forwarder; a raw <c>ReverseProxy</c> cluster with several
/// destinations, affinity or passive checks gets YARP's steps exactly as before.
/// </summary>
internal static class YarpBalancingSteps
{
    public static void UseYarpBalancingWhenConfigured(this IReverseProxyApplicationBuilder pipeline)
        => pipeline.UseWhen(static context => IsUsedBy(context.GetReverseProxyFeature()), static branch =>
        {
            var steps = new Branch(branch);
            steps.UseSessionAffinity();
            steps.UseLoadBalancing();
            steps.UsePassiveHealthChecks();
        });

    /// <summary>Whether the attempt's cluster needs YARP's own destination choice or health bookkeeping.</summary>
    internal static bool IsUsedBy(IReverseProxyFeature proxy)
    {
        var config = proxy.Cluster.Config;
        return proxy.AvailableDestinations.Count != 1
            || config.SessionAffinity?.Enabled == true
            || config.HealthCheck?.Passive?.Enabled == true;
    }

    /// <summary>YARP's step extensions need its builder type; the branch is a plain one.</summary>
    private sealed class Branch(IApplicationBuilder inner) : IReverseProxyApplicationBuilder
    {
        public IServiceProvider ApplicationServices { get => inner.ApplicationServices; set => inner.ApplicationServices = value; }

        public IFeatureCollection ServerFeatures => inner.ServerFeatures;

        public IDictionary<string, object?> Properties => inner.Properties;

        public RequestDelegate Build() => inner.Build();

        public IApplicationBuilder New() => inner.New();

        public IApplicationBuilder Use(Func<RequestDelegate, RequestDelegate> middleware)
        {
            inner.Use(middleware);
            return this;
        }
    }
}
