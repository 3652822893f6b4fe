using AiProxy.Transforms.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms.Builder;

namespace AiProxy.Transforms.Tests.Upstream;

public sealed class UpstreamTransformExtensionsTests
{
    [Fact]
    public void WithAiProxyUpstream_KeepsOtherMetadata_AndMarksTheRoute()
    {
        var route = new RouteConfig { RouteId = "r", Metadata = new Dictionary<string, string> { ["team"] = "ml" } };

        var marked = route.WithAiProxyUpstream();

        Assert.True(marked.IsAiProxyUpstream());
        Assert.Equal("ml", marked.Metadata!["team"]);
        Assert.False(route.IsAiProxyUpstream());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    public void IsAiProxyUpstream_ReadsTheMarker(string? marker, bool expected)
    {
        var route = new RouteConfig
        {
            RouteId = "r",
            Metadata = marker is null ? null : new Dictionary<string, string> { [UpstreamTransformExtensions.RouteMetadataKey] = marker },
        };

        Assert.Equal(expected, route.IsAiProxyUpstream());
    }

    [Fact]
    public void AddUpstreamPathAndAuth_AddTheTransformsInOrder()
    {
        var context = new TransformBuilderContext { Services = new ServiceCollection().BuildServiceProvider(), Route = new RouteConfig { RouteId = "r" } };

        context.AddUpstreamPath().AddUpstreamAuth();

        Assert.Collection(context.RequestTransforms, static t => Assert.Same(UpstreamPathTransform.Instance, t), static t => Assert.Same(UpstreamAuthTransform.Instance, t));
    }
}
