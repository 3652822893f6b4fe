using AiProxy.RateLimiting;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiProxy.Tests.RateLimiting;

public sealed class RateLimitingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAiProxyRateLimiting_WithoutRedis_ResolvesLocalLimiter()
    {
        var time = new FakeTimeProvider();
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddAiProxyRateLimiting(o => o.ExpectedReplicas = 3)
            .BuildServiceProvider();

        var limiter = services.GetRequiredService<IClientRateLimiter>();
        var limits = new ClientRateLimit { RequestsPerMinute = 1 };

        Assert.True((await limiter.AcquireAsync("team-a", limits, 0)).IsAllowed);
        var denied = await limiter.AcquireAsync("team-a", limits, 0);
        Assert.Equal(RateLimitKind.Requests, denied.DeniedBy);
        Assert.False(denied.IsFallback);
        Assert.Equal(3, services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.ExpectedReplicas);
    }

    [Fact]
    public async Task AddAiProxyRateLimiting_RedisRegisteredButDown_FallsBackToLocal()
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IRedisConnection, DownRedis>()
            .AddAiProxyRateLimiting()
            .BuildServiceProvider();

        var decision = await services.GetRequiredService<IClientRateLimiter>().AcquireAsync("team-a", new ClientRateLimit { MaxConcurrent = 1 }, 0);

        Assert.True(decision.IsAllowed);
        Assert.True(decision.IsFallback);
    }

    [Fact]
    public void AddAiProxyRateLimiting_CalledTwice_RegistersOneLimiter()
    {
        var services = new ServiceCollection().AddAiProxyRateLimiting().AddAiProxyRateLimiting();

        Assert.Single(services, d => d.ServiceType == typeof(IClientRateLimiter));
    }

    [Fact]
    public void AddAiProxyRateLimiting_InvalidOptions_ReportsEveryError()
    {
        using var services = new ServiceCollection()
            .AddAiProxyRateLimiting(o =>
            {
                o.ExpectedReplicas = 0;
                o.RedisOperationTimeout = TimeSpan.Zero;
                o.RedisKeyPrefix = "";
            })
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RateLimitingOptions>>().Value);

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("ExpectedReplicas", StringComparison.Ordinal));
    }

    private sealed class DownRedis : IRedisConnection
    {
        public bool IsConfigured => true;

        public bool IsConnected => false;

        public IDatabase? TryGetDatabase() => null;

        public Task<IConnectionMultiplexer?> GetMultiplexerAsync() => Task.FromResult<IConnectionMultiplexer?>(null);
    }
}
