using AiProxy.Caching;
using AiProxy.Configuration;
using AiProxy.Routing;
using AiProxy.Tests.Routing;
using Microsoft.AspNetCore.Http;

namespace AiProxy.Tests.Caching;

public sealed class FollowerDeadlineTests
{
    [Theory]
    [InlineData(null, null, null, 300)] // provider default: 5 min
    [InlineData("30s", null, null, 30)]
    [InlineData("30s", "5", null, 5)] // openai-node's declared timeout
    [InlineData("30s", null, "2.5", 2.5)] // openai-python's read timeout
    [InlineData("30s", "600", "900", 30)] // never longer than the provider's own timeout
    [InlineData(null, "nonsense", "-1", 300)]
    public void For_ProviderTimeoutAndClientHeaders_TheShortestWins(string? providerTimeout, string? nodeTimeout, string? pythonTimeout, double expectedSeconds)
    {
        var time = new FakeTimeProvider();
        var provider = ProviderTestData.Provider("p", time, 1);
        var providers = new Dictionary<string, ProviderOptions> { ["p"] = new() { Type = "openai-compatible", BaseUrl = "http://127.0.0.1:1/v1", Timeout = providerTimeout } };
        var route = new CompiledRoute { Name = "r", Index = 0, Models = [], Providers = [provider] };
        var headers = new HeaderDictionary();
        if (nodeTimeout is not null) headers["x-stainless-timeout"] = nodeTimeout;
        if (pythonTimeout is not null) headers["x-stainless-read-timeout"] = pythonTimeout;

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), FollowerDeadline.For(headers, providers, route));
    }
}
