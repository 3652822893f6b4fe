using AiProxy.Configuration;

namespace AiProxy.Tests.Configuration;

/// <summary>
/// The raw YARP <c>ReverseProxy</c> section is checked by YARP's own validator at load: what YARP would refuse at
/// start-up (which used to stop the process) is a config error with the route's or cluster's path, and the values YARP
/// quotes in its messages are cut out.
/// </summary>
public sealed class RawReverseProxyValidatorTests
{
    private const string Sentinel = "sk-SENTINEL-7be04c19d2a3f865";

    /// <summary>The AiProxy part plus a raw section written with single quotes (turned into double quotes).</summary>
    private static string Config(string reverseProxy) =>
        ("{'AiProxy':{'Providers':{'mock':{'Type':'openai-compatible','BaseUrl':'http://127.0.0.1:9/v1','Keys':['sk-x']}},"
        + "'Routes':[{'Models':['*'],'Providers':['mock']}]},'ReverseProxy':" + reverseProxy + "}").Replace('\'', '"');

    private const string Cluster = "'Clusters':{'c':{'Destinations':{'d':{'Address':'http://127.0.0.1:9/'}}}}";

    [Fact]
    public void ValidRawSection_HasNoErrors()
    {
        var json = Config("{'Routes':{'raw':{'ClusterId':'c','Match':{'Path':'/raw/{**rest}'},'Transforms':[{'PathRemovePrefix':'/raw'}]}}," + Cluster + "}");

        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out var loaded);

        Assert.Empty(errors);
        Assert.NotNull(loaded);
    }

    [Fact]
    public void TransformYarpRefuses_IsAnErrorOnTheRoute_WithoutTheValue()
    {
        var json = Config("{'Routes':{'raw':{'ClusterId':'c','Match':{'Path':'/raw/{**rest}'},'Transforms':[{'RequestHeaderOriginalHost':'"
            + Sentinel + "'}]}}," + Cluster + "}");

        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out var loaded);

        var error = Assert.Single(errors);
        Assert.Null(loaded);
        Assert.Equal("$.ReverseProxy.Routes.raw", error.Path);
        Assert.Contains("RequestHeaderOriginalHost", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterYarpRefuses_IsAnErrorOnTheCluster_WithoutTheValue()
    {
        var json = Config("{'Routes':{},'Clusters':{'c':{'LoadBalancingPolicy':'" + Sentinel
            + "','Destinations':{'d':{'Address':'http://127.0.0.1:9/'}}}}}");

        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out _);

        var error = Assert.Single(errors);
        Assert.Equal("$.ReverseProxy.Clusters.c", error.Path);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RouteWithoutMatch_IsReported()
    {
        var json = Config("{'Routes':{'raw':{'ClusterId':'c'}}," + Cluster + "}");

        var errors = new ConfigLoader(ConfigTestFiles.Write(json), []).Load(out _);

        Assert.Contains(errors, e => e.Path == "$.ReverseProxy.Routes.raw");
    }
}
