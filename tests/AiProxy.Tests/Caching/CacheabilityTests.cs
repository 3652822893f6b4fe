using AiProxy.Caching;
using AiProxy.Configuration;
using AiProxy.Pipeline;
using Microsoft.Extensions.Primitives;

namespace AiProxy.Tests.Caching;

public sealed class CacheabilityTests
{
    [Theory]
    [InlineData("Deterministic", "ChatCompletions", 0.0, false, 1L, true)]
    [InlineData("Deterministic", "ChatCompletions", 0.7, false, 1L, false)]
    [InlineData("Deterministic", "ChatCompletions", null, false, 1L, false)]
    [InlineData("Deterministic", "ChatCompletions", 1.0, true, 1L, true)]
    [InlineData("Deterministic", "ChatCompletions", 0.0, false, 2L, false)]
    [InlineData("Deterministic", "Responses", 0.0, false, 1L, true)]
    [InlineData("Deterministic", "Embeddings", null, false, 1L, true)]
    [InlineData("Always", "ChatCompletions", 0.9, false, 3L, true)]
    [InlineData("Off", "Embeddings", 0.0, false, 1L, false)]
    public void IsCacheable_FollowsTheMode(string modeName, string operationName, double? temperature, bool seed, long n, bool expected)
    {
        var mode = Enum.Parse<CacheMode>(modeName);
        var operation = Enum.Parse<AiOperation>(operationName);
        var request = new ParsedRequest { Body = default, Operation = operation, Temperature = temperature, HasSeed = seed, N = n };
        Assert.Equal(expected, ResponseCacheMiddleware.IsCacheable(mode, request));
    }

    [Theory]
    [InlineData(null, false, false)]
    [InlineData("no-cache", true, false)]
    [InlineData("No-Store", false, true)]
    [InlineData("no-cache, no-store", true, true)]
    [InlineData("max-age=0", false, false)]
    public void ReadCacheControl_Directives(string? header, bool noCache, bool noStore)
    {
        Assert.Equal((noCache, noStore), ResponseCacheMiddleware.ReadCacheControl(header is null ? StringValues.Empty : new StringValues(header)));
    }

    [Fact]
    public void RouteCachePolicy_RouteOverridesGlobal()
    {
        var global = new CacheOptions { Mode = "always", Ttl = "00:10:00" };

        var inherited = RouteCachePolicy.Compile(global, null);
        var overridden = RouteCachePolicy.Compile(global, new RouteCacheOptions { Mode = "off", Ttl = "30s", Shared = true });
        var defaults = RouteCachePolicy.Compile(null, null);

        Assert.Equal((CacheMode.Always, TimeSpan.FromMinutes(10), false), (inherited.Mode, inherited.Ttl, inherited.Shared));
        Assert.Equal((CacheMode.Off, TimeSpan.FromSeconds(30), true), (overridden.Mode, overridden.Ttl, overridden.Shared));
        Assert.Equal((CacheMode.Deterministic, RouteCachePolicy.DefaultTtl), (defaults.Mode, defaults.Ttl));
    }
}
