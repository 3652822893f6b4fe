using AiProxy.Admission;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using AiProxy.Metrics;
using AiProxy.Streaming;
using AiProxy.Transforms.Upstream;
using AiProxy.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Tests.Upstream;

public sealed class AiProxyTransformProviderTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly AiProxyTransformProvider _provider = new(TimeProvider.System, new ProxyMetrics(Services.GetRequiredService<IMeterFactory>()),
        new DrainState(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), Options.Create(new HostOptions()), TimeProvider.System));

    private static RouteConfig Route(string path, string? marker) => new()
    {
        RouteId = "r",
        ClusterId = "c",
        Match = new RouteMatch { Path = path },
        Metadata = marker is null ? null : new Dictionary<string, string> { [UpstreamTransformExtensions.RouteMetadataKey] = marker },
    };

    private static ClusterConfig Cluster(string? provider, int destinations) => new()
    {
        ClusterId = "c",
        Destinations = Enumerable.Range(0, destinations).ToDictionary(static i => "d" + i, static i => new DestinationConfig { Address = $"https://u{i}.example" }),
        Metadata = provider is null ? null : new Dictionary<string, string> { [UpstreamTransformExtensions.ClusterMetadataKey] = provider },
    };

    [Theory]
    [InlineData("/v1/{**rest}", "true")]
    [InlineData("/v1/{**rest}", "TRUE")]
    [InlineData("/anything", null)]
    public void ValidateRoute_AiProxyOrRawRoute_NoError(string path, string? marker)
    {
        var context = new TransformRouteValidationContext { Services = Services, Route = Route(path, marker) };

        _provider.ValidateRoute(context);

        Assert.Empty(context.Errors);
    }

    [Theory]
    [InlineData("/v1/{**rest}", "yes", "must be 'true' or absent.")]
    [InlineData("/openai/{**rest}", "true", "must match a path under /v1/.")]
    public void ValidateRoute_BadAiProxyRoute_ReportsRouteAndReason(string path, string marker, string reason)
    {
        var context = new TransformRouteValidationContext { Services = Services, Route = Route(path, marker) };

        _provider.ValidateRoute(context);

        var error = Assert.Single(context.Errors);
        Assert.Contains("Route 'r'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("openai", 1)]
    [InlineData(null, 3)]
    public void ValidateCluster_ProviderWithOneDestinationOrRawCluster_NoError(string? provider, int destinations)
    {
        var context = new TransformClusterValidationContext { Services = Services, Cluster = Cluster(provider, destinations) };

        _provider.ValidateCluster(context);

        Assert.Empty(context.Errors);
    }

    [Theory]
    [InlineData("openai", 2, "exactly one destination, found 2")]
    [InlineData("openai", 0, "exactly one destination, found 0")]
    [InlineData(" ", 1, "must name a provider")]
    public void ValidateCluster_BadProviderCluster_ReportsClusterAndReason(string provider, int destinations, string reason)
    {
        var context = new TransformClusterValidationContext { Services = Services, Cluster = Cluster(provider, destinations) };

        _provider.ValidateCluster(context);

        var error = Assert.Single(context.Errors);
        Assert.Contains("Cluster 'c'", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Apply_AiProxyRoute_AddsUpstreamTransformsWithoutForwardedHeaders()
    {
        var context = new TransformBuilderContext { Services = Services, Route = Route("/v1/{**rest}", null).WithAiProxyUpstream() };

        _provider.Apply(context);

        Assert.False(context.UseDefaultForwarders);
        Assert.Equal(["UpstreamPathTransform", "UpstreamAuthTransform"], context.RequestTransforms.Select(static t => t.GetType().Name));
        Assert.Collection(context.ResponseTransforms, static t => Assert.IsType<UpstreamOutcomeTransform>(t), static t => Assert.IsType<ObservedResponseTransform>(t));
    }

    [Fact]
    public void Apply_RawRoute_AddsNothing()
    {
        var context = new TransformBuilderContext { Services = Services, Route = Route("/v1/{**rest}", "false") };

        _provider.Apply(context);

        Assert.Null(context.UseDefaultForwarders);
        Assert.Empty(context.RequestTransforms);
        Assert.Empty(context.ResponseTransforms);
    }
}
