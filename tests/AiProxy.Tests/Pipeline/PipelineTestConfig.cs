using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Runtime;
using AiProxy.Tests.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiProxy.Tests.Pipeline;

/// <summary>A config store compiled from JSON (offline providers) and HTTP contexts as YARP hands them to the pipeline.</summary>
internal static class PipelineTestConfig
{
    public static AiProxyConfigStore Store(string json = ConfigTestFiles.Minimal)
    {
        var loader = new ConfigLoader(ConfigTestFiles.Write(json), []);
        Assert.Empty(loader.Load(out var initial));
        return new AiProxyConfigStore(loader, ProviderRuntimeFactory.Offline, initial!, NullLogger<AiProxyConfigStore>.Instance);
    }

    /// <summary>A request on <paramref name="routeId"/> (AiProxy's catch-all by default) with <paramref name="body"/> as its body.</summary>
    public static DefaultHttpContext Request(string method, string path, string? body, string routeId = SnapshotCompiler.CatchAllRouteId)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        if (body is not null)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = "application/json";
        }
        context.Response.Body = new MemoryStream();
        var route = new RouteModel(new RouteConfig { RouteId = routeId }, null, HttpTransformer.Empty);
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature { Route = route, Cluster = null!, AllDestinations = [], AvailableDestinations = [] });
        return context;
    }

    public static string ResponseText(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
