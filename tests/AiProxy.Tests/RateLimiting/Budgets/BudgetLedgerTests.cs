using AiProxy.RateLimiting.Budgets;
using AiProxy.Testing;

namespace AiProxy.Tests.RateLimiting.Budgets;

/// <summary>The in-process ledger (no Redis): the same rules the Redis scripts apply.</summary>
public sealed class BudgetLedgerTests
{
    private const long Cent = ClientBudget.NanoPerUsd / 100;

    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static ClientBudget UsdPerDay(long nano, string zone = "UTC")
    {
        Assert.True(AiProxy.Configuration.ResetTimeZones.TryFind(zone, out var tz));
        return new ClientBudget { NanoUsdPerDay = nano, Zone = tz };
    }

    [Theory]
    // Spend reaching the budget exactly refuses the next request ('>=' edge); one nano-dollar below still admits one.
    [InlineData(5 * Cent / 10, 2, 3)]
    [InlineData((5 * Cent / 10) - 1, 3, 4)]
    [InlineData(3 * Cent / 10, 4, 5)]
    public async Task ReserveAsync_RefusesOnceSpendReachesTheBudget(long costEach, int admitted, int refusedAt)
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = UsdPerDay(Cent);
        var results = new List<bool>();
        for (var i = 0; i < refusedAt; i++)
        {
            var decision = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(10, costEach));
            results.Add(decision.IsAllowed);
            if (decision.Lease is { } lease) await lease.SettleAsync(new BudgetCharge(10, costEach));
        }

        Assert.Equal(admitted, results.Count(static r => r));
        Assert.False(results[^1]);
        Assert.All(results.Take(admitted), Assert.True);
    }

    [Fact]
    public async Task ReserveAsync_Refused_NamesTheBudgetItsSpendAndResetAndCountsTheRefusal()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = UsdPerDay(Cent, "Europe/Paris");
        var first = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(10, 2 * Cent));

        var refused = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(10, 1));

        Assert.True(first.IsAllowed);
        Assert.Equal(0, first.RemainingNanoUsd);
        Assert.False(refused.IsAllowed);
        Assert.Equal((BudgetWindow.Day, BudgetUnit.Usd, Cent, 2 * Cent), (refused.DeniedWindow, refused.DeniedUnit, refused.DeniedLimit, refused.DeniedUsed));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero), refused.ResetAt);
        Assert.Equal(1, h.Gauge("aiproxy.budget.refusals{client=team,reason=budget}"));
        Assert.Equal(1, h.Gauge("aiproxy.budget.local"));
    }

    [Fact]
    public async Task SettleAsync_ReplacesTheEstimateWithTheRealCost()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerDay = 1000 };
        var first = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(900, 9 * Cent / 10));
        Assert.Equal(100, first.RemainingTokens);

        await first.Lease!.SettleAsync(new BudgetCharge(100, Cent / 10));
        var second = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(0, 0));

        Assert.True(second.IsAllowed);
        Assert.Equal(900, second.RemainingTokens);
        Assert.Equal(9 * Cent / 10, second.RemainingNanoUsd);
        Assert.Equal(0.001, h.Gauge("aiproxy.budget.used{client=team,unit=usd,window=day}"), 9);
        Assert.Equal(0.01, h.Gauge("aiproxy.budget.limit{client=team,unit=usd,window=day}"), 9);
        Assert.Equal(100, h.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}"));
    }

    [Fact]
    public async Task ReserveAsync_AtLocalMidnightInTheZone_TheBudgetComesBack()
    {
        // 22:59:59 UTC is 23:59:59 in Paris (UTC+1 in November).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 22, 59, 59, TimeSpan.Zero));
        using var h = new BudgetLedgerHarness(clock);
        var budget = UsdPerDay(Cent, "Europe/Paris");
        Assert.True((await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, Cent))).IsAllowed);
        Assert.False((await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, 1))).IsAllowed);

        clock.Advance(TimeSpan.FromSeconds(1));
        var next = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, 1));

        Assert.True(next.IsAllowed);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero), next.ResetAt);
    }

    [Theory]
    // Paris falls back on 2026-10-25: local midnight (CEST) is 22:00 UTC the day before, the next one (CET) 25 hours later.
    [InlineData("Europe/Paris", "2026-10-24T22:00:00Z", 25, "2026-10-26T23:00:00Z")]
    // Paris springs forward on 2026-03-29: a 23-hour day.
    [InlineData("Europe/Paris", "2026-03-28T23:00:00Z", 23, "2026-03-30T22:00:00Z")]
    // New York springs forward on 2026-03-08 (23 h) and falls back on 2026-11-01 (25 h).
    [InlineData("America/New_York", "2026-03-08T05:00:00Z", 23, "2026-03-10T04:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T04:00:00Z", 25, "2026-11-03T05:00:00Z")]
    public async Task ReserveAsync_OnADaylightSavingDay_TheDayStillRollsAtLocalMidnight(string zone, string midnight, int hours, string nextReset)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(midnight));
        using var h = new BudgetLedgerHarness(clock);
        var budget = UsdPerDay(Cent, zone);
        var spent = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, Cent));

        clock.Advance(TimeSpan.FromHours(hours) - TimeSpan.FromSeconds(1));
        var lastSecond = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, 1));
        clock.Advance(TimeSpan.FromSeconds(1));
        var nextDay = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, 1));

        Assert.True(spent.IsAllowed);
        Assert.Equal(DateTimeOffset.Parse(midnight) + TimeSpan.FromHours(hours), spent.ResetAt);
        Assert.False(lastSecond.IsAllowed);
        Assert.Equal(spent.ResetAt, lastSecond.ResetAt);
        Assert.True(nextDay.IsAllowed);
        Assert.Equal(DateTimeOffset.Parse(nextReset), nextDay.ResetAt);
    }

    [Fact]
    public async Task ReserveAsync_DayAndMonthBothSpent_TheRefusalNamesTheMonthAndItsReset()
    {
        // Ten days before the month ends (on Nov 30 the day and the month end together).
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon - TimeSpan.FromDays(10)));
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerMonth = 100 };
        Assert.True((await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(100, Cent))).IsAllowed);

        var refused = await h.Ledger.ReserveAsync("team", budget, default);

        // Retrying at midnight would be refused again: the month is what keeps refusing.
        Assert.Equal((BudgetWindow.Month, BudgetUnit.Tokens, 100L, 100L), (refused.DeniedWindow, refused.DeniedUnit, refused.DeniedLimit, refused.DeniedUsed));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), refused.ResetAt);
    }

    [Fact]
    public async Task SettleAsync_UpdatesTheGaugesWithoutAnotherRequest()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerDay = 1000 };
        var first = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(900, 9 * Cent / 10));
        var reserved = h.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}");

        await first.Lease!.SettleAsync(new BudgetCharge(100, Cent / 10));

        Assert.Equal(900, reserved);
        Assert.Equal(100, h.Gauge("aiproxy.budget.used{client=team,unit=tokens,window=day}"));
        Assert.Equal(0.001, h.Gauge("aiproxy.budget.used{client=team,unit=usd,window=day}"), 9);
    }

    [Fact]
    public async Task PeekAsync_ReportsTheCurrentFiguresWithoutReserving()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = new ClientBudget { NanoUsdPerDay = Cent, TokensPerDay = 1000, RequestsPerDay = 2 };
        var cold = await h.Ledger.PeekAsync("team", budget);
        var first = await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(300, 3 * Cent / 10));
        await first.Lease!.SettleAsync(new BudgetCharge(200, 2 * Cent / 10));

        var peeks = new List<BudgetDecision>();
        for (var i = 0; i < 3; i++) peeks.Add(await h.Ledger.PeekAsync("team", budget));
        var second = await h.Ledger.ReserveAsync("team", budget, default);

        Assert.Equal((Cent, 1000L), (cold.RemainingNanoUsd, cold.RemainingTokens));
        Assert.All(peeks, p => Assert.Equal((8 * Cent / 10, 800L, false), (p.RemainingNanoUsd, p.RemainingTokens, p.IsAllowed)));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), peeks[0].ResetAt);
        // Peeking reserved no request: the second of two is still admitted.
        Assert.True(second.IsAllowed);
    }

    [Fact]
    public async Task ReserveAsync_RequestsPerHourAndDay_CountRequestsInCalendarWindows()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 58, 0, TimeSpan.Zero));
        using var h = new BudgetLedgerHarness(clock);
        var budget = new ClientBudget { RequestsPerHour = 2, RequestsPerDay = 3 };
        var statuses = new List<bool>();
        for (var i = 0; i < 3; i++) statuses.Add((await h.Ledger.ReserveAsync("team", budget, default)).IsAllowed);
        var refusedBy = (await h.Ledger.ReserveAsync("team", budget, default)).DeniedWindow;

        clock.Advance(TimeSpan.FromMinutes(2)); // 11:00: a new hour, the same day
        statuses.Add((await h.Ledger.ReserveAsync("team", budget, default)).IsAllowed);
        var dayRefusal = await h.Ledger.ReserveAsync("team", budget, default);

        Assert.Equal([true, true, false, true], statuses);
        Assert.Equal(BudgetWindow.Hour, refusedBy);
        Assert.Equal((BudgetWindow.Day, BudgetUnit.Requests), (dayRefusal.DeniedWindow, dayRefusal.DeniedUnit));
    }

    [Fact]
    public async Task ReserveAsync_ClientsAreIndependent()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = UsdPerDay(Cent);
        await h.Ledger.ReserveAsync("a", budget, new BudgetCharge(1, Cent));

        Assert.False((await h.Ledger.ReserveAsync("a", budget, default)).IsAllowed);
        Assert.True((await h.Ledger.ReserveAsync("b", budget, default)).IsAllowed);
    }

    [Fact]
    public async Task ReserveAsync_Concurrent_NeverAdmitsPastTheBudget()
    {
        using var h = new BudgetLedgerHarness(new FakeTimeProvider(Noon));
        var budget = UsdPerDay(Cent);
        var allowed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            if ((await h.Ledger.ReserveAsync("team", budget, new BudgetCharge(1, Cent / 100))).IsAllowed) Interlocked.Increment(ref allowed);
        });

        Assert.Equal(100, allowed);
    }
}
