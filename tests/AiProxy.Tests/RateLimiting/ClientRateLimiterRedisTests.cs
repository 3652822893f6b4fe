using System.Diagnostics;
using AiProxy.RateLimiting;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace AiProxy.Tests.RateLimiting;

/// <summary>Distributed mode against a real redis-server: several engines (replicas) share one store.</summary>
public sealed class ClientRateLimiterRedisTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<RedisConnection> _connections = [];
    private readonly List<RateLimiterHarness> _harnesses = [];
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        foreach (var h in _harnesses) h.Dispose();
        foreach (var c in _connections) c.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<RateLimiterHarness[]> StartReplicasAsync(int count, Action<RateLimitingOptions>? configure = null)
    {
        var result = new RateLimiterHarness[count];
        for (var i = 0; i < count; i++)
        {
            // Generous command timeouts: these tests are about exact sharing, and a loaded CI machine must not turn a slow
            // script into a local fallback.
            var connection = new RedisConnection(_server.Configuration + ",asyncTimeout=10000,syncTimeout=10000", NullLogger<RedisConnection>.Instance);
            _ = connection.StartConnect(); // background connect; the wait below observes it
            _connections.Add(connection);
            await WaitUntilAsync(() => connection.IsConnected);
            result[i] = new RateLimiterHarness(_time, connection, configure);
            _harnesses.Add(result[i]);
        }
        return result;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Real time on purpose: this waits for a socket, not for the limiter's clock.
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("condition not met within 30 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AcquireAsync_ThreeReplicasSharingRedis_AllowExactlyTheLimit()
    {
        var replicas = await StartReplicasAsync(3);
        var limits = new ClientRateLimit { RequestsPerMinute = 100 };

        var tasks = Enumerable.Range(0, 600)
            .Select(i => replicas[i % 3].Limiter.AcquireAsync("team-a", limits, 0, CancellationToken.None).AsTask());
        var decisions = await Task.WhenAll(tasks);

        var allowed = decisions.Count(d => d.IsAllowed);
        output.WriteLine($"allowed {allowed} of {decisions.Length}");
        // The Lua script checks and records atomically and the fake clock keeps the window still: exactly the limit, not about it.
        Assert.Equal(100, allowed);
        Assert.All(decisions, d => Assert.False(d.IsFallback));
        Assert.All(decisions.Where(d => !d.IsAllowed), d => Assert.Equal(RateLimitKind.Requests, d.DeniedBy));
        Assert.All(replicas, r => Assert.True(r.Logger.Entries.IsEmpty));
    }

    [Fact]
    public async Task AcquireAsync_SharedWindow_DeniedWithRetryAfterAndAllowedAfterWindow()
    {
        var replicas = await StartReplicasAsync(2);
        var limits = new ClientRateLimit { RequestsPerMinute = 2 };
        Assert.True((await replicas[0].Limiter.AcquireAsync("team-a", limits, 0)).IsAllowed);
        _time.Advance(TimeSpan.FromSeconds(20));
        var second = await replicas[1].Limiter.AcquireAsync("team-a", limits, 0);

        var denied = await replicas[0].Limiter.AcquireAsync("team-a", limits, 0);

        Assert.Equal(new RateLimitCounter(2, 0, TimeSpan.FromMinutes(1)), second.Requests);
        Assert.Equal(RateLimitKind.Requests, denied.DeniedBy);
        Assert.Equal(TimeSpan.FromSeconds(40), denied.RetryAfter);
        Assert.Equal(new RateLimitCounter(2, 0, TimeSpan.FromMinutes(1)), denied.Requests);
        _time.Advance(denied.RetryAfter);
        Assert.True((await replicas[1].Limiter.AcquireAsync("team-a", limits, 0)).IsAllowed);
    }

    [Fact]
    public async Task SettleAsync_OnOneReplica_RefundsAndChargesForAll()
    {
        var replicas = await StartReplicasAsync(2);
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var first = await replicas[0].Limiter.AcquireAsync("team-a", limits, 900);
        Assert.Equal(RateLimitKind.Tokens, (await replicas[1].Limiter.AcquireAsync("team-a", limits, 200)).DeniedBy);

        await first.Lease!.SettleAsync(100);
        var second = await replicas[1].Limiter.AcquireAsync("team-a", limits, 200);
        await second.Lease!.SettleAsync(800);
        var third = await replicas[0].Limiter.AcquireAsync("team-a", limits, 200);

        Assert.True(second.IsAllowed);
        Assert.Equal(new RateLimitCounter(1000, 700, TimeSpan.FromMinutes(1)), second.Tokens);
        Assert.Equal(RateLimitKind.Tokens, third.DeniedBy);
        Assert.Equal(TimeSpan.FromMinutes(1), third.RetryAfter);
        Assert.Equal(100, third.Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrencyAcrossReplicas_SharedAndReleasedOnce()
    {
        var replicas = await StartReplicasAsync(2);
        var limits = new ClientRateLimit { MaxConcurrent = 2 };
        var a = await replicas[0].Limiter.AcquireAsync("team-a", limits, 0);
        var b = await replicas[1].Limiter.AcquireAsync("team-a", limits, 0);
        Assert.Equal(RateLimitKind.Concurrency, (await replicas[0].Limiter.AcquireAsync("team-a", limits, 0)).DeniedBy);

        a.Lease!.Dispose();
        a.Lease.Dispose();

        // Release is fire-and-forget, so poll (real time) until the slot is visible to the other replica.
        var c = await replicas[1].Limiter.AcquireAsync("team-a", limits, 0);
        var stopwatch = Stopwatch.StartNew();
        while (!c.IsAllowed && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
            c = await replicas[1].Limiter.AcquireAsync("team-a", limits, 0);
        }
        Assert.True(b.IsAllowed && c.IsAllowed);
        Assert.Equal(RateLimitKind.Concurrency, (await replicas[0].Limiter.AcquireAsync("team-a", limits, 0)).DeniedBy);
    }

    [Fact]
    public async Task AcquireAsync_RedisKilledThenRestarted_FallsBackToLocalShareThenSharesAgain()
    {
        var replicas = await StartReplicasAsync(1, o => o.ExpectedReplicas = 2);
        var engine = replicas[0];
        var limits = new ClientRateLimit { RequestsPerMinute = 10 };
        var before = await engine.Limiter.AcquireAsync("team-a", limits, 0);
        Assert.True(before.IsAllowed);
        Assert.False(before.IsFallback);

        _server.Kill();
        var during = new List<RateLimitDecision>();
        for (var i = 0; i < 8; i++) during.Add(await engine.Limiter.AcquireAsync("team-a", limits, 0));

        // Never failed, decided locally with 10 / 2 replicas = 5 per minute.
        Assert.All(during, d => Assert.True(d.IsFallback));
        Assert.Equal(5, during.Count(d => d.IsAllowed));
        Assert.Equal(new RateLimitCounter(5, 0, TimeSpan.FromMinutes(1)), during[^1].Requests);
        Assert.True(engine.Limiter.IsInFallback);
        Assert.Equal(1, engine.Logger.Count(2101));
        Assert.Equal(8, engine.Measurement("aiproxy.ratelimit.fallbacks"));

        await _server.StartAsync();
        // IsConnected can turn true a moment before commands go through again after a restart.
        await AiProxy.Tests.Caching.Hybrid.TestCache.WaitUntilServingAsync(_connections[0]);
        _time.Advance(TimeSpan.FromSeconds(5));
        var after = await engine.Limiter.AcquireAsync("team-a", limits, 0);

        Assert.True(after.IsAllowed);
        Assert.False(after.IsFallback);
        Assert.False(engine.Limiter.IsInFallback);
        Assert.Equal(1, engine.Logger.Count(2102));
        // The restarted server is empty (no persistence), so only this request is in the shared window.
        Assert.Equal(new RateLimitCounter(10, 9, TimeSpan.FromMinutes(1)), after.Requests);
    }

    [Fact]
    public async Task AcquireAsync_RedisHangs_TimesOutAndDecidesLocally()
    {
        var replicas = await StartReplicasAsync(1);
        var engine = replicas[0];
        var limits = new ClientRateLimit { RequestsPerMinute = 10 };
        Assert.False((await engine.Limiter.AcquireAsync("team-a", limits, 0)).IsFallback);
        await PauseServerAsync(TimeSpan.FromSeconds(2));

        var pending = engine.Limiter.AcquireAsync("team-a", limits, 0).AsTask();
        Assert.False(pending.IsCompleted);
        _time.Advance(engine.Limiter.Options.RedisOperationTimeout);
        var decision = await pending.WaitAsync(TimeSpan.FromSeconds(3));

        Assert.True(decision.IsAllowed);
        Assert.True(decision.IsFallback);
        Assert.Equal(1, engine.Logger.Count(2101));
        // Within the retry interval the engine does not wait on Redis again.
        var next = engine.Limiter.AcquireAsync("team-a", limits, 0);
        Assert.True(next.IsCompletedSuccessfully);
        Assert.True((await next).IsFallback);
    }

    private async Task PauseServerAsync(TimeSpan duration)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, _server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"CLIENT PAUSE {(long)duration.TotalMilliseconds}\r\n"));
        var buffer = new byte[64];
        var n = await stream.ReadAsync(buffer);
        Assert.StartsWith("+OK", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task AcquireAsync_RedisConfiguredButUnreachable_DecidesLocallyWithoutThrowing()
    {
        var connection = new RedisConnection("127.0.0.1:1,abortConnect=false,connectTimeout=200", NullLogger<RedisConnection>.Instance);
        _connections.Add(connection);
        using var harness = new RateLimiterHarness(_time, connection);
        var limits = new ClientRateLimit { RequestsPerMinute = 1 };

        var first = await harness.Limiter.AcquireAsync("team-a", limits, 0);
        var second = await harness.Limiter.AcquireAsync("team-a", limits, 0);

        Assert.True(first.IsAllowed && first.IsFallback);
        Assert.Equal(RateLimitKind.Requests, second.DeniedBy);
        Assert.Equal(1, harness.Logger.Count(2101));
    }
}
