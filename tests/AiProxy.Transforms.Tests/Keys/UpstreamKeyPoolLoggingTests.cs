using System.Collections.Concurrent;
using AiProxy.Testing;
using AiProxy.Transforms.Keys;
using Microsoft.Extensions.Logging;
using static AiProxy.Transforms.Tests.Keys.KeyPoolTestHelpers;

namespace AiProxy.Transforms.Tests.Keys;

public sealed class UpstreamKeyPoolLoggingTests
{
    private const string Secret = "sk-do-not-log-me";
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void Complete_RepeatedAuthFailures_LogsDisabledOncePerKey()
    {
        using var pool = new UpstreamKeyPool("openai", new UpstreamKeyPoolOptions { Keys = [Secret], WatchFiles = false }, _time, _logger);
        // Three concurrent requests on the same key all come back 401.
        var leases = Enumerable.Range(0, 3).Select(_ => pool.Acquire(0).Lease!).ToArray();
        Assert.All(leases, l => Assert.Equal(Secret, l.Key));

        foreach (var lease in leases)
        {
            lease.Complete(401, Headers());
            lease.Dispose();
        }

        var disabled = _logger.Entries.Where(e => e.EventId.Id == 3001).ToArray();
        Assert.Single(disabled);
        Assert.Contains(KeyFingerprint.Compute(Secret), disabled[0].Message);
        Assert.Equal("UpstreamKeyDisabled", disabled[0].EventId.Name);
    }

    [Fact]
    public void Pool_AllOutcomes_NeverLogsTheSecret()
    {
        using var pool = new UpstreamKeyPool("openai", new UpstreamKeyPoolOptions
        {
            Keys = [Secret, "env:AIPROXY_TEST_UNSET_" + Guid.NewGuid().ToString("N"), "file:/nonexistent/" + Guid.NewGuid().ToString("N")],
            CircuitBreaker = new() { FailureThreshold = 1 },
            WatchFiles = false,
        }, _time, _logger);

        pool.Answer(429, ("retry-after", "1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        pool.Answer(500);
        _time.Advance(TimeSpan.FromSeconds(30));
        pool.Answer(200);
        pool.AnswerWithBody(429, """{"error":{"type":"insufficient_quota","code":"insufficient_quota","message":"quota"}}""");
        _time.Advance(TimeSpan.FromHours(2));
        pool.AnswerWithBody(403, """{"error":{"code":"invalid_api_key","message":"Your API key was deactivated."}}""");

        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3003);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3004);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3006);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3020);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3001);
        Assert.All(_logger.Entries, e => Assert.DoesNotContain(Secret, e.Message));
        Assert.DoesNotContain(Secret, pool.DescribeUnavailable());
    }

    private sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<(EventId EventId, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Enqueue((eventId, formatter(state, exception)));
    }
}
