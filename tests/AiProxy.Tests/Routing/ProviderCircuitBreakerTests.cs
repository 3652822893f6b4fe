using AiProxy.Routing;
using AiProxy.Testing;

namespace AiProxy.Tests.Routing;

public sealed class ProviderCircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Failure_AtThreshold_OpensUntilTheBreakEnds()
    {
        var breaker = new ProviderCircuitBreaker(_time, threshold: 3, breakDuration: TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(breaker.TryEnter());
            breaker.Failure();
        }

        Assert.False(breaker.TryEnter());
        Assert.Equal(TimeSpan.FromSeconds(30), breaker.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(breaker.TryEnter());
        // Only one probe at a time.
        Assert.False(breaker.TryEnter());
    }

    [Fact]
    public void Probe_SuccessCloses_FailureReopens()
    {
        var breaker = new ProviderCircuitBreaker(_time, threshold: 1, breakDuration: TimeSpan.FromSeconds(10));
        breaker.Failure();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryEnter());
        breaker.Failure();
        Assert.False(breaker.TryEnter());

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryEnter());
        breaker.Success();
        Assert.True(breaker.TryEnter());
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void Abandon_AbortedProbe_LetsTheNextRequestProbe()
    {
        var breaker = new ProviderCircuitBreaker(_time, threshold: 1, breakDuration: TimeSpan.FromSeconds(10));
        breaker.Failure();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());

        breaker.Abandon();

        Assert.True(breaker.TryEnter());
    }
}
