using System.Diagnostics;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AiProxy.Tests.RateLimiting.Budgets;

/// <summary>The shared ledger against a real redis-server: several ledgers (replicas) on one store.</summary>
public sealed class BudgetLedgerRedisTests : IAsyncLifetime
{
    private const long Cent = ClientBudget.NanoPerUsd / 100;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly List<RedisConnection> _connections = [];
    private readonly List<BudgetLedgerHarness> _harnesses = [];
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        foreach (var h in _harnesses) h.Dispose();
        foreach (var c in _connections) c.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<BudgetLedgerHarness> StartReplicaAsync()
    {
        var connection = new RedisConnection(_server.Configuration + ",asyncTimeout=10000,syncTimeout=10000", NullLogger<RedisConnection>.Instance);
        _ = connection.StartConnect();
        _connections.Add(connection);
        var stopwatch = Stopwatch.StartNew();
        while (!connection.IsConnected)
        {
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("Redis did not connect within 30 s");
            await Task.Delay(50);
        }
        var harness = new BudgetLedgerHarness(_time, connection);
        _harnesses.Add(harness);
        return harness;
    }

    [Fact]
    public async Task ReserveAsync_ThreeReplicas_AdmitExactlyWhatTheBudgetAllows()
    {
        var replicas = new[] { await StartReplicaAsync(), await StartReplicaAsync(), await StartReplicaAsync() };
        var budget = new ClientBudget { NanoUsdPerDay = Cent };
        var allowed = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var decision = await replicas[i % 3].Ledger.ReserveAsync("team", budget, new BudgetCharge(1, Cent / 100));
            if (decision.IsAllowed) Interlocked.Increment(ref allowed);
        });

        Assert.Equal(100, allowed);
        Assert.Equal(0, replicas[0].Gauge("aiproxy.budget.local"));
        Assert.True(replicas[0].Ledger.IsShared);
    }

    [Fact]
    public async Task SettleAsync_OnOneReplica_IsSeenByTheOthers_AndSurvivesANewLedger()
    {
        var a = await StartReplicaAsync();
        var b = await StartReplicaAsync();
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerMonth = 10_000 };
        var first = await a.Ledger.ReserveAsync("team", budget, new BudgetCharge(5000, 9 * Cent / 10));

        await first.Lease!.SettleAsync(new BudgetCharge(400, Cent / 10));
        var seen = await b.Ledger.ReserveAsync("team", budget, default);
        var restarted = await StartReplicaAsync();
        var afterRestart = await restarted.Ledger.ReserveAsync("team", budget, new BudgetCharge(0, 9 * Cent / 10));
        var refused = await restarted.Ledger.ReserveAsync("team", budget, default);

        Assert.Equal(9 * Cent / 10, seen.RemainingNanoUsd);
        Assert.Equal(9600, seen.RemainingTokens);
        Assert.True(afterRestart.IsAllowed);
        Assert.Equal(0, afterRestart.RemainingNanoUsd);
        Assert.False(refused.IsAllowed);
        Assert.Equal(BudgetUnit.Usd, refused.DeniedUnit);
    }

    [Fact]
    public async Task SettleAsync_UpdatesTheGauges_AndPeekOnAColdReplicaReadsTheSharedFigures()
    {
        var a = await StartReplicaAsync();
        var b = await StartReplicaAsync();
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerDay = 1000 };
        var first = await a.Ledger.ReserveAsync("team", budget, new BudgetCharge(900, 9 * Cent / 10));
        var reserved = a.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}");

        await first.Lease!.SettleAsync(new BudgetCharge(100, Cent / 10));
        var cold = await b.Ledger.PeekAsync("team", budget);
        var again = await b.Ledger.PeekAsync("team", budget);

        Assert.Equal(900, reserved);
        Assert.Equal(100, a.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}"));
        Assert.Equal(0.001, a.Gauge("aiproxy.budget.used{client=team,unit=usd,window=day}"), 9);
        Assert.Equal((9 * Cent / 10, 900L, false), (cold.RemainingNanoUsd, cold.RemainingTokens, cold.IsLocal));
        Assert.Equal(cold.RemainingNanoUsd, again.RemainingNanoUsd);
        // The read reserved nothing: the shared request counter still holds the one reservation.
        Assert.Equal(1, (long)await _connections[0].TryGetDatabase()!.HashGetAsync("aiproxy:rl:{team}:b:d20261130", "r"));
        Assert.Equal(100, b.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}"));
    }

    [Fact]
    public async Task ReserveAsync_WindowKeys_ExpireADayAfterTheirWindowEnds()
    {
        var h = await StartReplicaAsync();
        await h.Ledger.ReserveAsync("team", new ClientBudget { NanoUsdPerDay = Cent, TokensPerMonth = 100 }, new BudgetCharge(1, 1));
        var db = _connections[0].TryGetDatabase()!;

        var dayTtl = await db.KeyTimeToLiveAsync("aiproxy:rl:{team}:b:d20261130");
        var monthTtl = await db.KeyTimeToLiveAsync("aiproxy:rl:{team}:b:m202611");

        // Noon on Nov 30: the day ends in 12 h, the month in 12 h too; each key lives one more day.
        Assert.InRange(dayTtl!.Value, TimeSpan.FromHours(36) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(36));
        Assert.InRange(monthTtl!.Value, TimeSpan.FromHours(36) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(36));
        Assert.Equal(1, (long)await db.HashGetAsync("aiproxy:rl:{team}:b:d20261130", "u"));
    }

    [Fact]
    public async Task ReserveAsync_RedisStopped_FallsBackToALocalShareWithoutFailing()
    {
        var h = await StartReplicaAsync();
        var budget = new ClientBudget { RequestsPerDay = 10 };
        Assert.True((await h.Ledger.ReserveAsync("team", budget, default)).IsAllowed);

        await _server.DisposeAsync();
        var decisions = new List<BudgetDecision>();
        for (var i = 0; i < 12; i++) decisions.Add(await h.Ledger.ReserveAsync("team", budget, default));

        Assert.All(decisions, d => Assert.True(d.IsLocal));
        Assert.Equal(10, decisions.Count(d => d.IsAllowed));
        Assert.True(h.Gauge("aiproxy.budget.fallbacks") >= 12);
    }
}
