using AiProxy.Testing;
using AiProxy.Transforms.Keys;
using Microsoft.AspNetCore.Http;
using static AiProxy.Transforms.Tests.Keys.KeyPoolTestHelpers;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class UpstreamKeyPoolTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)); // the HTTP dates in the theory data

    [Fact]
    public void Acquire_RoundRobin_CyclesThroughKeys()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a", "sk-b", "sk-c");

        var used = Enumerable.Range(0, 6).Select(_ => pool.Use()).ToArray();

        Assert.Equal(["sk-a", "sk-b", "sk-c", "sk-a", "sk-b", "sk-c"], used);
    }

    [Fact]
    public void Acquire_RoundRobin_SkipsKeyInCooldown()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a", "sk-b", "sk-c");
        Assert.Equal("sk-a", pool.Answer(429, ("retry-after", "30")));

        var used = Enumerable.Range(0, 4).Select(_ => pool.Use()).ToArray();

        Assert.DoesNotContain("sk-a", used);
        Assert.Contains("sk-b", used);
        Assert.Contains("sk-c", used);
    }

    [Fact]
    public void Acquire_LeastLoaded_PicksKeyWithFewestInFlight()
    {
        using var pool = CreatePool(_time, KeyStrategy.LeastLoaded, "sk-a", "sk-b", "sk-c");
        Assert.True(pool.TryAcquire(0, out var first, out _));
        Assert.True(pool.TryAcquire(0, out var second, out _));
        Assert.True(pool.TryAcquire(0, out var third, out _));
        Assert.Equal(3, new[] { first.Key, second.Key, third.Key }.Distinct().Count());

        Assert.True(pool.TryAcquire(0, out var fourth, out _));
        second.Dispose();
        Assert.True(pool.TryAcquire(0, out var fifth, out _));

        Assert.Equal(second.Key, fifth.Key);
        Assert.Equal(2, pool.StatusOf(fourth.Key).InFlight);
        foreach (var lease in new[] { first, third, fourth, fifth })
        {
            lease.Dispose();
        }
        Assert.All(pool.GetKeyStatuses(), s => Assert.Equal(0, s.InFlight));
    }

    [Fact]
    public void Acquire_QuotaAware_PrefersKeyWithMostHeadroom()
    {
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "sk-a", "sk-b");
        var low = Headers(("x-ratelimit-limit-requests", "1000"), ("x-ratelimit-remaining-requests", "100"), ("x-ratelimit-reset-requests", "1m0s"));
        var high = Headers(("x-ratelimit-limit-requests", "1000"), ("x-ratelimit-remaining-requests", "900"), ("x-ratelimit-reset-requests", "1m0s"));
        Assert.True(pool.TryAcquire(0, out var a, out _));
        Assert.True(pool.TryAcquire(0, out var b, out _));
        a.Complete(200, a.Key == "sk-a" ? low : high);
        b.Complete(200, b.Key == "sk-a" ? low : high);
        a.Dispose();
        b.Dispose();

        var used = Enumerable.Range(0, 5).Select(_ => pool.Use()).ToArray();

        Assert.All(used, key => Assert.Equal("sk-b", key));
        Assert.Equal(895, pool.StatusOf("sk-b").RemainingRequests);
    }

    [Fact]
    public void Acquire_QuotaAware_KeepsExhaustedKeyOutUntilReset()
    {
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "sk-a", "sk-b");
        Assert.True(pool.TryAcquire(0, out var lease, out _));
        Assert.Equal("sk-a", lease.Key);
        lease.Complete(200, Headers(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "10s")));
        lease.Dispose();

        Assert.All(Enumerable.Range(0, 4).Select(_ => pool.Use()), key => Assert.Equal("sk-b", key));
        Assert.Equal(KeyState.Cooldown, pool.StatusOf("sk-a").State);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
        Assert.Contains("sk-a", Enumerable.Range(0, 4).Select(_ => pool.Use()));
    }

    [Fact]
    public void Acquire_QuotaAware_SkipsKeyWithFewerRemainingTokensThanEstimate()
    {
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "sk-a", "sk-b");
        Assert.Equal("sk-a", pool.Use(headers: Headers(("x-ratelimit-remaining-tokens", "500"), ("x-ratelimit-reset-tokens", "6s"))));
        Assert.Equal("sk-b", pool.Use(headers: Headers(("x-ratelimit-remaining-tokens", "50000"), ("x-ratelimit-reset-tokens", "6s"))));

        Assert.Equal("sk-b", pool.Use(tokens: 1000));
        Assert.Equal("sk-b", pool.Use(tokens: 1000));
    }

    [Fact]
    public void Acquire_QuotaAware_CountsInFlightRequestsAgainstReportedRemaining()
    {
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "sk-a");
        pool.Use(headers: Headers(("x-ratelimit-remaining-requests", "2"), ("x-ratelimit-reset-requests", "20s")));

        Assert.True(pool.TryAcquire(0, out var first, out _));
        Assert.True(pool.TryAcquire(0, out var second, out _));
        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));

        Assert.Equal(TimeSpan.FromSeconds(20), retryAfter);
        first.Dispose();
        second.Dispose();
    }

    public static TheoryData<string, string, TimeSpan> RetryHeaders => new()
    {
        { "retry-after-ms", "1500", TimeSpan.FromMilliseconds(1500) },
        { "retry-after", "3", TimeSpan.FromSeconds(3) },
        { "retry-after", "2.5", TimeSpan.FromSeconds(2.5) },
        { "retry-after", "Thu, 01 Jan 2026 00:00:07 GMT", TimeSpan.FromSeconds(7) },
        { "x-ratelimit-reset-requests", "6m0s", TimeSpan.FromMinutes(6) },
        { "x-ratelimit-reset-tokens", "1h2m3.5s", TimeSpan.FromMinutes(10) },
        { "x-unrelated", "1", TimeSpan.FromSeconds(10) },
    };

    [Theory]
    [MemberData(nameof(RetryHeaders))]
    public void Complete_429_CoolsKeyDownForAnnouncedDelay(string header, string value, TimeSpan expected)
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");

        pool.Answer(429, (header, value));

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(expected, retryAfter);
        Assert.Equal(KeyState.Cooldown, pool.StatusOf("sk-a").State);
        _time.Advance(expected - TimeSpan.FromTicks(1));
        Assert.False(pool.TryAcquire(0, out _, out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("sk-a", pool.Use());
    }

    [Fact]
    public void Complete_429WithBothRetryHeaders_PrefersRetryAfterMs()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");

        pool.Answer(429, ("retry-after", "30"), ("retry-after-ms", "250"), ("x-ratelimit-reset-requests", "1m0s"));

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(250), retryAfter);
    }

    [Fact]
    public void Complete_429ResetHeaders_UsesResetOfExhaustedQuota()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");

        pool.Answer(429,
            ("x-ratelimit-remaining-requests", "40"), ("x-ratelimit-reset-requests", "50s"),
            ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "1.5s"));

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1.5), retryAfter);
    }

    [Fact]
    public void Complete_429FromHttpResponseHeaders_HonoursRetryAfter()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("retry-after", "4");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-tokens", "7");

        Assert.True(pool.TryAcquire(0, out var lease, out _));
        lease.Complete((int)response.StatusCode, response.Headers);
        lease.Dispose();

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(4), retryAfter);
        Assert.Equal(7, pool.StatusOf("sk-a").RemainingTokens);
    }

    [Fact]
    public void Complete_429BeyondMaxCooldown_IsCapped()
    {
        using var pool = CreatePool(_time, o => { o.Strategy = KeyStrategy.RoundRobin; o.MaxCooldown = TimeSpan.FromMinutes(2); }, "sk-a");

        pool.Answer(429, ("retry-after", "86400"));

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(2), retryAfter);
    }

    [Fact]
    public void Acquire_AllKeysCooling_ReturnsExhaustedWithSoonestRecovery()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a", "sk-b", "sk-c");
        pool.Answer(429, ("retry-after", "5"));
        pool.Answer(429, ("retry-after", "3"));
        pool.Answer(429, ("retry-after", "8"));

        var result = pool.Acquire(0);

        Assert.Equal(KeyAcquireStatus.Exhausted, result.Status);
        Assert.Null(result.Lease);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("sk-b", pool.Use());
    }

    [Theory]
    [InlineData(401, "")]
    [InlineData(401, """{"error":{"message":"Incorrect API key provided: sk-bad.","type":"invalid_request_error","code":"invalid_api_key"}}""")]
    [InlineData(403, """{"error":{"message":"Your API key has been revoked.","type":"invalid_request_error","code":null}}""")]
    [InlineData(403, """{"error":{"code":"AuthenticationTypeDisabled","message":"Key based authentication is disabled for this resource."}}""")]
    public void Complete_KeyRejected_DisablesKeyForGood(int status, string body)
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-bad", "sk-good");
        Assert.Equal("sk-bad", pool.AnswerWithBody(status, body));

        _time.Advance(TimeSpan.FromHours(1));

        Assert.All(Enumerable.Range(0, 4).Select(_ => pool.Use()), key => Assert.Equal("sk-good", key));
        Assert.Equal(KeyState.Disabled, pool.StatusOf("sk-bad").State);
    }

    [Theory]
    [InlineData("""{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","code":"unsupported_country_region_territory"}}""")]
    [InlineData("""{"error":{"message":"Project proj_x does not have access to model gpt-5","type":"invalid_request_error","code":"model_not_found"}}""")]
    [InlineData("""{"error":{"message":"You are not allowed to sample from this model","type":"invalid_request_error","code":null}}""")]
    [InlineData("")]
    public void Complete_RequestForbidden_LeavesKeyInPool(string body)
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");
        Assert.Equal("sk-a", pool.AnswerWithBody(403, body));

        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
        Assert.Equal("sk-a", pool.Use());
    }

    [Fact]
    public void Complete_InsufficientQuota_TakesKeyOutForQuotaCooldownIgnoringRetryAfter()
    {
        using var pool = CreatePool(_time, o => { o.Strategy = KeyStrategy.RoundRobin; o.QuotaCooldown = TimeSpan.FromMinutes(90); }, "sk-broke", "sk-b");
        const string Body = """{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""";
        Assert.True(pool.TryAcquire(0, out var lease, out _));
        using (lease)
        {
            lease.Complete(429, Headers(("retry-after", "1")), KeyErrorClassifier.Classify(429, System.Text.Encoding.UTF8.GetBytes(Body)));
        }

        _time.Advance(TimeSpan.FromMinutes(89));
        Assert.Equal(KeyState.Cooldown, pool.StatusOf("sk-broke").State);
        Assert.All(Enumerable.Range(0, 3).Select(_ => pool.Use()), key => Assert.Equal("sk-b", key));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KeyState.Available, pool.StatusOf("sk-broke").State);
    }

    [Fact]
    public void Complete_ThroughputAfterQuota_DoesNotShortenTheQuotaCooldown()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");
        pool.AnswerWithBody(402, """{"error":{"code":402,"message":"Insufficient credits"}}""");
        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));

        Assert.Equal(TimeSpan.FromHours(1), retryAfter);
    }

    [Fact]
    public void Acquire_AllKeysDisabled_ReturnsNoUsableKeyNamingFingerprints()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-secret-1", "sk-secret-2");
        pool.Answer(401);
        pool.Answer(401);

        var result = pool.Acquire(0);
        var message = pool.DescribeUnavailable();

        Assert.Equal(KeyAcquireStatus.NoUsableKey, result.Status);
        Assert.Equal(Timeout.InfiniteTimeSpan, result.RetryAfter);
        Assert.Contains(KeyFingerprint.Compute("sk-secret-1"), message);
        Assert.DoesNotContain("sk-secret", message);
    }

    [Fact]
    public void Acquire_RequestsPerMinuteLimit_StopsKeyUntilWindowEnds()
    {
        using var pool = CreatePool(_time, o => { o.Strategy = KeyStrategy.RoundRobin; o.Limits.RequestsPerMinute = 2; }, "sk-a");
        pool.Use();
        _time.Advance(TimeSpan.FromSeconds(20));
        pool.Use();

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.Equal(0, pool.StatusOf("sk-a").RemainingRequests);

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal("sk-a", pool.Use());
    }

    [Fact]
    public void Acquire_RequestsPerMinuteLimitOnEveryKey_SpreadsThenRefuses()
    {
        using var pool = CreatePool(_time, o => o.Limits.RequestsPerMinute = 1, "sk-a", "sk-b");

        var used = new[] { pool.Use(), pool.Use() };

        Assert.Equal(["sk-a", "sk-b"], used.Order());
        Assert.Equal(KeyAcquireStatus.Exhausted, pool.Acquire(0).Status);
    }

    [Fact]
    public void Acquire_TokensPerMinuteLimit_SettlesReservationWithActualUsage()
    {
        using var pool = CreatePool(_time, o => o.Limits.TokensPerMinute = 1000, "sk-a");
        Assert.True(pool.TryAcquire(600, out var first, out _));

        Assert.False(pool.TryAcquire(600, out _, out _));

        first.Complete(200, new HeaderDictionary(), actualTokens: 100);
        first.Dispose();
        Assert.True(pool.TryAcquire(600, out var second, out _));
        second.Dispose();
        Assert.Equal(300, pool.StatusOf("sk-a").RemainingTokens);
    }

    [Fact]
    public void Acquire_OversizedRequestInEmptyWindow_IsAdmitted()
    {
        using var pool = CreatePool(_time, o => o.Limits.TokensPerMinute = 1000, "sk-a");

        Assert.Equal("sk-a", pool.Use(tokens: 5000));
        Assert.False(pool.TryAcquire(1, out _, out _));
    }

    [Fact]
    public void Complete_ConsecutiveServerErrors_OpenCircuitThenHalfOpenProbeClosesIt()
    {
        using var pool = CreatePool(_time, o => o.CircuitBreaker = new() { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(30) }, "sk-a");
        pool.Answer(500);
        pool.Answer(502);
        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
        pool.Answer(503);

        Assert.Equal(KeyState.CircuitOpen, pool.StatusOf("sk-a").State);
        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(pool.TryAcquire(0, out var probe, out _));
        Assert.False(pool.TryAcquire(0, out _, out _));
        probe.Complete(200, new HeaderDictionary());
        probe.Dispose();

        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
        Assert.Equal("sk-a", pool.Use());
    }

    [Fact]
    public void Fail_ProbeFails_ReopensCircuit()
    {
        using var pool = CreatePool(_time, o => o.CircuitBreaker = new() { FailureThreshold = 2, BreakDuration = TimeSpan.FromSeconds(10) }, "sk-a");
        for (var i = 0; i < 2; i++)
        {
            Assert.True(pool.TryAcquire(0, out var lease, out _));
            lease.Fail();
            lease.Dispose();
        }
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(pool.TryAcquire(0, out var probe, out _));

        probe.Fail();
        probe.Dispose();

        Assert.False(pool.TryAcquire(0, out _, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);
    }

    [Fact]
    public void Dispose_ProbeWithoutOutcome_FreesProbeSlot()
    {
        using var pool = CreatePool(_time, o => o.CircuitBreaker = new() { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(5) }, "sk-a");
        pool.Answer(500);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(pool.TryAcquire(0, out var abandoned, out _));
        Assert.False(pool.TryAcquire(0, out _, out _));

        abandoned.Dispose();

        Assert.True(pool.TryAcquire(0, out var probe, out _));
        probe.Dispose();
    }

    [Fact]
    public void Complete_SuccessBetweenFailures_ResetsConsecutiveCount()
    {
        using var pool = CreatePool(_time, o => o.CircuitBreaker = new() { FailureThreshold = 2 }, "sk-a");

        pool.Answer(500);
        pool.Answer(200);
        pool.Answer(500);

        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
    }

    [Fact]
    public void Dispose_CalledTwice_ReleasesInFlightOnce()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");
        Assert.True(pool.TryAcquire(0, out var held, out _));
        Assert.True(pool.TryAcquire(0, out var lease, out _));

        lease.Dispose();
        lease.Dispose();

        Assert.Equal(1, pool.StatusOf("sk-a").InFlight);
        held.Dispose();
        Assert.Equal(0, pool.StatusOf("sk-a").InFlight);
    }

    [Fact]
    public void Complete_CalledTwice_OnlyFirstOutcomeCounts()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a");
        Assert.True(pool.TryAcquire(0, out var lease, out _));

        lease.Complete(200, new HeaderDictionary());
        lease.Complete(401, new HeaderDictionary());
        lease.Dispose();

        Assert.Equal(KeyState.Available, pool.StatusOf("sk-a").State);
    }

    [Fact]
    public void ToString_Lease_ShowsFingerprintNotKey()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-very-secret");
        Assert.True(pool.TryAcquire(0, out var lease, out _));
        using (lease)
        {
            Assert.Equal(KeyFingerprint.Compute("sk-very-secret"), lease.ToString());
            Assert.Equal(lease.Fingerprint, lease.ToString());
            Assert.DoesNotContain("secret", string.Join(",", pool.GetKeyStatuses()));
        }
    }

    [Fact]
    public void ApplyOptions_NewStrategy_KeepsKeyState()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a", "sk-b");
        pool.Answer(429, ("retry-after", "60"));

        pool.ApplyOptions(new UpstreamKeyPoolOptions { Keys = ["sk-a", "sk-b", "sk-c"], Strategy = KeyStrategy.LeastLoaded, WatchFiles = false });

        Assert.Equal(KeyStrategy.LeastLoaded, pool.Strategy);
        Assert.Equal(3, pool.Count);
        Assert.Equal(KeyState.Cooldown, pool.StatusOf("sk-a").State);
    }

    [Fact]
    public async Task Acquire_ManyThreads_InFlightReturnsToZero()
    {
        using var pool = CreatePool(_time, o => o.CircuitBreaker = new() { FailureThreshold = 1000 }, "sk-a", "sk-b", "sk-c", "sk-d");
        var acquired = 0;
        var statuses = new[] { 200, 200, 200, 500 };
        var headers = Headers(("x-ratelimit-remaining-requests", "100000"), ("x-ratelimit-reset-requests", "1m0s"));

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                if (pool.TryAcquire(10, out var lease, out _))
                {
                    Interlocked.Increment(ref acquired);
                    lease.Complete(statuses[(worker + i) % statuses.Length], headers, actualTokens: 5);
                    lease.Dispose();
                    lease.Dispose();
                }
            }
        }));
        await Task.WhenAll(workers);

        Assert.Equal(16000, acquired);
        Assert.All(pool.GetKeyStatuses(), s =>
        {
            Assert.Equal(0, s.InFlight);
            Assert.Equal(KeyState.Available, s.State);
        });
    }
}
