using AiProxy.Testing;
using AiProxy.Transforms.Keys;
using static AiProxy.Transforms.Tests.Keys.KeyPoolTestHelpers;

namespace AiProxy.Transforms.Tests.Keys;

/// <summary>The pool's read-only pressure signal and keys reserved for a priority class.</summary>
public sealed class KeyPoolPressureTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void GetPressure_LocalPerMinuteLimit_FallsWithUse_AndRecoversWhenTheWindowResets()
    {
        using var pool = CreatePool(_time, o => { o.Limits = new KeyLimits { RequestsPerMinute = 10 }; o.CriticalReserve = 0.2; }, "sk-a");
        Assert.Equal(1.0, pool.GetPressure(PriorityClass.Low).Headroom);

        for (var i = 0; i < 4; i++) pool.Acquire(1).Lease!.Dispose();
        _time.Advance(TimeSpan.FromSeconds(20));
        var pressure = pool.GetPressure(PriorityClass.Low);

        Assert.Equal(0.6, pressure.Headroom, 6);
        Assert.Equal(TimeSpan.FromSeconds(40), pressure.RecoverIn);
        Assert.Equal(0.2, pressure.CriticalReserve);
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1.0, pool.GetPressure(PriorityClass.Low).Headroom);
    }

    [Fact]
    public void GetPressure_KeyCoolingDownAfter429_CountsAsNoHeadroom()
    {
        using var pool = CreatePool(_time, KeyStrategy.RoundRobin, "sk-a", "sk-b");
        var lease = pool.Acquire(1).Lease!;
        lease.Complete(429, Headers(("retry-after", "30")));
        lease.Dispose();

        var pressure = pool.GetPressure(PriorityClass.Normal);

        Assert.Equal(0.5, pressure.Headroom, 6);
        Assert.Equal(2, pressure.Keys);
    }

    [Fact]
    public void GetPressure_UpstreamRemainingVersusLimit_IsTheHeadroom()
    {
        using var pool = CreatePool(_time, KeyStrategy.QuotaAware, "sk-a");
        var lease = pool.Acquire(1).Lease!;
        lease.Complete(200, Headers(("x-ratelimit-limit-requests", "100"), ("x-ratelimit-remaining-requests", "30"), ("x-ratelimit-reset-requests", "20s")));
        lease.Dispose();

        var pressure = pool.GetPressure(PriorityClass.Normal);

        Assert.Equal(0.3, pressure.Headroom, 6);
        Assert.True(pressure.RecoverIn <= TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Acquire_KeyReservedForCritical_IsLeasedOnlyToCritical()
    {
        using var pool = CreatePool(_time, o =>
        {
            o.Strategy = KeyStrategy.RoundRobin;
            o.ReservedKeys = [new ReservedKey { Key = "sk-critical", ReservedFor = PriorityClass.Critical }];
        }, "sk-shared");

        var leased = new List<string>();
        foreach (var priority in new[] { PriorityClass.Low, PriorityClass.Normal, PriorityClass.High, PriorityClass.Low, PriorityClass.High })
        {
            for (var i = 0; i < 4; i++)
            {
                using var lease = pool.Acquire(1, priority).Lease!;
                leased.Add(lease.Key);
            }
        }
        var critical = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            using var lease = pool.Acquire(1, PriorityClass.Critical).Lease!;
            critical.Add(lease.Key);
        }

        Assert.All(leased, k => Assert.Equal("sk-shared", k));
        Assert.Equal(["sk-critical", "sk-shared"], critical.Order());
        Assert.Equal(1, pool.GetPressure(PriorityClass.Normal).Keys);
        Assert.Equal(2, pool.GetPressure(PriorityClass.Critical).Keys);
    }

    [Fact]
    public void Acquire_KeyReservedForHigh_IsLeasedToHighAndCriticalOnly()
    {
        using var pool = CreatePool(_time, o => o.ReservedKeys = [new ReservedKey { Key = "sk-high", ReservedFor = PriorityClass.High }]);

        Assert.Equal(KeyAcquireStatus.NoUsableKey, pool.Acquire(1, PriorityClass.Normal).Status);
        using var high = pool.Acquire(1, PriorityClass.High).Lease!;
        using var critical = pool.Acquire(1, PriorityClass.Critical).Lease!;
        Assert.Equal("sk-high", high.Key);
        Assert.Equal("sk-high", critical.Key);
    }
}
