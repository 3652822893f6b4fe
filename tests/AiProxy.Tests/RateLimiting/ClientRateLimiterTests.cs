using AiProxy.RateLimiting;

namespace AiProxy.Tests.RateLimiting;

public sealed class ClientRateLimiterTests : IDisposable
{
    private readonly RateLimiterHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private ValueTask<RateLimitDecision> Acquire(ClientRateLimit limits, long tokens = 0, string client = "team-a") =>
        _harness.Limiter.AcquireAsync(client, limits, tokens, CancellationToken.None);

    [Fact]
    public async Task AcquireAsync_RequestsAtLimit_DeniedWithTruthfulRetryAfter()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 3 };
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await Acquire(limits)).IsAllowed);
            _harness.Time.Advance(TimeSpan.FromSeconds(10));
        }

        var denied = await Acquire(limits);

        Assert.False(denied.IsAllowed);
        Assert.Null(denied.Lease);
        Assert.Equal(RateLimitKind.Requests, denied.DeniedBy);
        Assert.Equal(TimeSpan.FromSeconds(30), denied.RetryAfter);
        _harness.Time.Advance(denied.RetryAfter - TimeSpan.FromMilliseconds(1));
        Assert.False((await Acquire(limits)).IsAllowed);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await Acquire(limits)).IsAllowed);
    }

    [Fact]
    public async Task AcquireAsync_AfterFullWindow_AllowsLimitAgain()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 5 };
        for (var i = 0; i < 5; i++) Assert.True((await Acquire(limits)).IsAllowed);
        Assert.False((await Acquire(limits)).IsAllowed);

        _harness.Time.Advance(TimeSpan.FromMinutes(1));

        for (var i = 0; i < 5; i++) Assert.True((await Acquire(limits)).IsAllowed);
        Assert.False((await Acquire(limits)).IsAllowed);
    }

    [Fact]
    public async Task AcquireAsync_TokensOverLimit_DeniedUntilReservationLeavesWindow()
    {
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        Assert.True((await Acquire(limits, 600)).IsAllowed);
        _harness.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await Acquire(limits, 300)).IsAllowed);

        var denied = await Acquire(limits, 200);

        Assert.Equal(RateLimitKind.Tokens, denied.DeniedBy);
        Assert.Equal(TimeSpan.FromSeconds(40), denied.RetryAfter);
        Assert.True((await Acquire(limits, 100)).IsAllowed);
        _harness.Time.Advance(denied.RetryAfter);
        Assert.True((await Acquire(limits, 200)).IsAllowed);
    }

    [Fact]
    public async Task AcquireAsync_EstimateLargerThanBudget_DeniedWithFullWindow()
    {
        var denied = await Acquire(new ClientRateLimit { TokensPerMinute = 100 }, 101);

        Assert.Equal(RateLimitKind.Tokens, denied.DeniedBy);
        Assert.Equal(TimeSpan.FromMinutes(1), denied.RetryAfter);
    }

    [Fact]
    public async Task SettleAsync_ActualBelowEstimate_RefundsDifference()
    {
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var first = await Acquire(limits, 900);
        Assert.False((await Acquire(limits, 900)).IsAllowed);

        await first.Lease!.SettleAsync(100);

        var second = await Acquire(limits, 900);
        Assert.True(second.IsAllowed);
        Assert.Equal(0, second.Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task SettleAsync_ActualAboveEstimate_ChargesDifference()
    {
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var first = await Acquire(limits, 100);

        await first.Lease!.SettleAsync(900);

        var denied = await Acquire(limits, 200);
        Assert.Equal(RateLimitKind.Tokens, denied.DeniedBy);
        Assert.Equal(100, denied.Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task SettleAsync_CalledTwice_OnlyFirstCounts()
    {
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var first = await Acquire(limits, 500);

        await first.Lease!.SettleAsync(100);
        await first.Lease.SettleAsync(1000);

        var next = await Acquire(limits, 0);
        Assert.Equal(900, next.Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task SettleAsync_AfterReservationLeftWindow_ChargesOnlyTheExtraAtNow()
    {
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var first = await Acquire(limits, 300);
        _harness.Time.Advance(TimeSpan.FromSeconds(90));

        await first.Lease!.SettleAsync(500);

        var next = await Acquire(limits, 0);
        Assert.Equal(800, next.Tokens!.Value.Remaining);
        Assert.Equal(TimeSpan.FromMinutes(1), next.Tokens.Value.Reset);
    }

    [Fact]
    public async Task SettleAsync_AfterOlderReservationsLeftTheWindow_AdjustsItsOwnReservation()
    {
        // Reservations are found again by sequence number: trimming older ones must not shift which one is adjusted.
        var limits = new ClientRateLimit { TokensPerMinute = 1000 };
        var old = await Acquire(limits, 100);
        await Acquire(limits, 100);
        _harness.Time.Advance(TimeSpan.FromSeconds(40));
        var mine = await Acquire(limits, 400);
        var later = await Acquire(limits, 50);
        _harness.Time.Advance(TimeSpan.FromSeconds(30)); // the first two are out of the window now

        await mine.Lease!.SettleAsync(150);
        await old.Lease!.SettleAsync(100);  // left the window: nothing to refund, nothing to charge
        _ = later;

        var next = await Acquire(limits, 0);
        Assert.Equal(1000 - 150 - 50, next.Tokens!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_ConcurrencyLimitReached_DeniedImmediately()
    {
        var limits = new ClientRateLimit { MaxConcurrent = 2 };
        var a = await Acquire(limits);
        var b = await Acquire(limits);

        var task = Acquire(limits);

        Assert.True(task.IsCompletedSuccessfully);
        var denied = await task;
        Assert.Equal(RateLimitKind.Concurrency, denied.DeniedBy);
        Assert.Equal(TimeSpan.FromSeconds(1), denied.RetryAfter);
        Assert.True(a.IsAllowed && b.IsAllowed);
    }

    [Fact]
    public async Task Dispose_CalledTwice_ReleasesSlotOnce()
    {
        var limits = new ClientRateLimit { MaxConcurrent = 2 };
        var a = await Acquire(limits);
        _ = await Acquire(limits);

        a.Lease!.Dispose();
        a.Lease.Dispose();

        Assert.True((await Acquire(limits)).IsAllowed);
        Assert.Equal(RateLimitKind.Concurrency, (await Acquire(limits)).DeniedBy);
    }

    [Fact]
    public async Task AcquireAsync_OneClientExhausted_OtherClientUnaffected()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 1, TokensPerMinute = 100, MaxConcurrent = 1 };
        Assert.True((await Acquire(limits, 100, "team-a")).IsAllowed);
        Assert.False((await Acquire(limits, 100, "team-a")).IsAllowed);

        var other = await Acquire(limits, 100, "team-b");

        Assert.True(other.IsAllowed);
        Assert.Equal(0, other.Requests!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_Allowed_ReportsHeaderValues()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 10, TokensPerMinute = 1000 };
        var first = await Acquire(limits, 100);
        _harness.Time.Advance(TimeSpan.FromSeconds(15));

        var second = await Acquire(limits, 250);

        Assert.Equal(new RateLimitCounter(10, 9, TimeSpan.FromMinutes(1)), first.Requests);
        Assert.Equal(new RateLimitCounter(1000, 900, TimeSpan.FromMinutes(1)), first.Tokens);
        Assert.Equal(new RateLimitCounter(10, 8, TimeSpan.FromMinutes(1)), second.Requests);
        Assert.Equal(new RateLimitCounter(1000, 650, TimeSpan.FromMinutes(1)), second.Tokens);
        _harness.Time.Advance(TimeSpan.FromSeconds(50));
        var third = await Acquire(limits, 0);
        // The third request itself is the newest entry; the token window only holds the 15 s reservation.
        Assert.Equal(new RateLimitCounter(10, 8, TimeSpan.FromMinutes(1)), third.Requests);
        Assert.Equal(new RateLimitCounter(1000, 750, TimeSpan.FromSeconds(10)), third.Tokens);
    }

    [Fact]
    public async Task AcquireAsync_NoLimits_AllowedWithoutHeaderValues()
    {
        var decision = await Acquire(new ClientRateLimit(), 1_000_000);

        Assert.True(decision.IsAllowed);
        Assert.Null(decision.Requests);
        Assert.Null(decision.Tokens);
        await decision.Lease!.SettleAsync(5);
        decision.Lease.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_Denied_CountsRejectionWithClientAndLimitTags()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 1 };
        await Acquire(limits);
        await Acquire(limits);
        await Acquire(limits);

        Assert.Equal(2, _harness.Measurement("aiproxy.ratelimit.rejections{client=team-a,limit=requests}"));
    }

    [Fact]
    public async Task Gauges_AfterDecisions_ReportQuotaAndUsageUntilWindowEmpties()
    {
        var limits = new ClientRateLimit { RequestsPerMinute = 10, TokensPerMinute = 1000 };
        await Acquire(limits, 400);
        await Acquire(limits, 100);

        Assert.Equal(10, _harness.Measurement("aiproxy.ratelimit.requests.quota{client=team-a}"));
        Assert.Equal(2, _harness.Measurement("aiproxy.ratelimit.requests.usage{client=team-a}"));
        Assert.Equal(1000, _harness.Measurement("aiproxy.ratelimit.tokens.quota{client=team-a}"));
        Assert.Equal(500, _harness.Measurement("aiproxy.ratelimit.tokens.usage{client=team-a}"));
        _harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, _harness.Measurement("aiproxy.ratelimit.requests.usage{client=team-a}"));
    }
}
