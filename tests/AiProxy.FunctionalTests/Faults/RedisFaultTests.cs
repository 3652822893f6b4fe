using System.Diagnostics;
using AiProxy.FunctionalTests.Infrastructure;
using AiProxy.MockUpstream;
using AiProxy.Testing;
using StackExchange.Redis;
using static AiProxy.FunctionalTests.Caching.CacheClient;

namespace AiProxy.FunctionalTests.Faults;

/// <summary>Redis faults the existing cache and limit tests do not cover: down at start then up, and stalled (every call hangs).</summary>
public sealed class RedisFaultTests : IAsyncLifetime
{
    private MockUpstreamServer _upstream = null!;
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer(); // started by the test that wants it
        _upstream = await MockUpstreamServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>Shared cache in Redis and a client whose request limit is kept in Redis: both paths touch Redis on every request.</summary>
    private string Config() => $$$"""
        {"AiProxy":{
          "Providers":{"mock":{"Type":"openai-compatible","BaseUrl":"{{{_upstream.V1}}}","Keys":["{{{ProxyTestEnvironment.UpstreamKey}}}"]}},
          "Routes":[{"Name":"gpt","Models":["gpt-*"],"Providers":["mock"],"Default":true,"Cache":{"Shared":true}}],
          "Clients":{"team":{"Keys":["{{{ProxyTestEnvironment.ClientKey}}}"],"RateLimit":{"RequestsPerMinute":100000} } },
          "Redis":{"Configuration":"{{{_redis.Configuration}}}"}
        }}
        """;

    private static (string, string) Auth => ("Authorization", "Bearer " + ProxyTestEnvironment.ClientKey);

    private async Task<long> KeysInRedisAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        return await connection.GetServer(connection.GetEndPoints()[0]).DatabaseSizeAsync();
    }

    private static async Task<bool> ReadyAsync(ProxyServer proxy) => (await proxy.Client.GetAsync("readyz")).IsSuccessStatusCode;

    [Fact]
    public async Task RedisDownAtStart_RequestsServed_ThenRedisStarts_ProxyUsesItWithoutRestart()
    {
        await using var proxy = await ProxyServer.StartAsync(Config());

        var answers = new List<(int Status, TimeSpan Elapsed)>();
        for (var i = 0; i < 6; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            answers.Add(((await ChatAsync(proxy.Client, Chat($"no redis yet {i}", stream: i % 2 == 1), Auth)).Status, stopwatch.Elapsed));
        }
        Assert.False(await ReadyAsync(proxy));

        await _redis.StartAsync();
        await Wait.Until(() => ReadyAsync(proxy), "readiness once Redis is up", TimeSpan.FromSeconds(30));
        // The L2 breaker retries Redis after its break: keep storing fresh entries until one lands there.
        await Wait.Until(async () =>
        {
            Assert.Equal(200, (await ChatAsync(proxy.Client, Chat($"redis is up {Guid.NewGuid():N}"), Auth)).Status);
            return await KeysInRedisAsync() > 0;
        }, "an entry to reach Redis", TimeSpan.FromSeconds(30));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.All(answers, a => Assert.True(a.Elapsed < TimeSpan.FromSeconds(3), $"a request took {a.Elapsed}"));
    }

    [Fact]
    public async Task RedisStalled_EveryCallHangs_RequestsStillAnsweredInTime_AndRecoverWhenItResumes()
    {
        await _redis.StartAsync();
        await using var proxy = await ProxyServer.StartAsync(Config());
        Assert.Equal(200, (await ChatAsync(proxy.Client, Chat("before the stall"), Auth)).Status);
        await Wait.Until(() => ReadyAsync(proxy), "readiness with Redis up");

        _redis.Freeze();
        var answers = new List<(int Status, TimeSpan Elapsed)>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                var answer = await ChatAsync(proxy.Client, Chat($"during the stall {i}", stream: i % 2 == 1), Auth);
                answers.Add((answer.Status, stopwatch.Elapsed));
            }
        }
        finally
        {
            _redis.Thaw();
        }
        var keysBefore = await KeysInRedisAsync();
        await Wait.Until(async () =>
        {
            Assert.Equal(200, (await ChatAsync(proxy.Client, Chat($"after the stall {Guid.NewGuid():N}"), Auth)).Status);
            return await KeysInRedisAsync() > keysBefore;
        }, "entries to reach Redis again", TimeSpan.FromSeconds(30));

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        // No request waits on a hung Redis past its short timeouts (the client limiter and the cache's L2 both bound it).
        Assert.All(answers, a => Assert.True(a.Elapsed < TimeSpan.FromSeconds(3), $"a request took {a.Elapsed.TotalMilliseconds:F0} ms"));
    }
}
