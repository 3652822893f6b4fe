using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Routing;

/// <summary>A provider compiled from config: its upstream target, key pool, circuit breaker and latency estimate.</summary>
internal sealed class ProviderRuntime : IDisposable
{
    private const double LatencyWeight = 0.2;

    /// <summary>How fast an estimate goes stale: after this long without a sample, the old estimate keeps half its usual weight.</summary>
    private static readonly TimeSpan LatencyHalfLife = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private long _ewmaTicks;
    private long _sampledAt;

    public ProviderRuntime(UpstreamTarget target, UpstreamKeyPool? keys, ProviderCircuitBreaker breaker, int weight, TimeProvider time,
        int? requestsPerMinutePerKey = null, int? tokensPerMinutePerKey = null)
    {
        Target = target;
        Keys = keys;
        Breaker = breaker;
        Weight = weight;
        _time = time;
        RequestsPerMinutePerKey = requestsPerMinutePerKey;
        TokensPerMinutePerKey = tokensPerMinutePerKey;
        Requests = new MinuteCounter(time);
        Tokens = new MinuteCounter(time);
    }

    /// <summary>Gets the configured per-key request limit (for the provider quota gauge).</summary>
    public int? RequestsPerMinutePerKey { get; }

    /// <summary>Gets the configured per-key token limit.</summary>
    public int? TokensPerMinutePerKey { get; }

    /// <summary>Gets the requests sent to this provider in the last minute.</summary>
    public MinuteCounter Requests { get; }

    /// <summary>Gets the tokens used at this provider in the last minute.</summary>
    public MinuteCounter Tokens { get; }

    public string Name => Target.Name;

    public UpstreamTarget Target { get; }

    /// <summary>Gets the key pool; null for keyless providers (Ollama or local servers without Keys).</summary>
    public UpstreamKeyPool? Keys { get; }

    public ProviderCircuitBreaker Breaker { get; }

    public int Weight { get; }

    /// <summary>Gets why no key is usable (names the setting, never a value); null when at least one key exists.</summary>
    public string? KeyProblem => Keys is { Count: 0 } pool ? pool.DescribeUnavailable() + $" (AiProxy:Providers:{Name}:Keys)" : null;

    /// <summary>Gets the smoothed time to first byte (0 until measured), for <c>Balance: least-latency</c>.</summary>
    public TimeSpan Latency => TimeSpan.FromTicks(Volatile.Read(ref _ewmaTicks));

    /// <summary>Gets the clock of this provider's counters and latency samples.</summary>
    public TimeProvider Time => _time;

    /// <summary>Gets the timestamp (<see cref="Time"/>) of the last latency sample; 0 until measured.</summary>
    public long LatencySampledAt => Volatile.Read(ref _sampledAt);

    public void RecordLatency(TimeSpan timeToFirstByte)
    {
        // Lock-free EWMA whose memory decays with the age of the estimate: a sample right after another moves it by
        // 20%, a sample after a long pause (a re-probe) mostly replaces it. A lost update only delays convergence.
        var now = _time.GetTimestamp();
        var old = Volatile.Read(ref _ewmaTicks);
        var sampledAt = Volatile.Read(ref _sampledAt);
        var keep = Keep(now, sampledAt);
        var next = old == 0 ? timeToFirstByte.Ticks : (long)((old * keep) + (timeToFirstByte.Ticks * (1 - keep)));
        if (Interlocked.CompareExchange(ref _ewmaTicks, next, old) == old)
        {
            Volatile.Write(ref _sampledAt, now);
        }
    }

    private double Keep(long now, long sampledAt)
    {
        var age = sampledAt == 0 ? 0 : _time.GetElapsedTime(sampledAt, now).TotalSeconds;
        return (1 - LatencyWeight) * Math.Pow(0.5, age / LatencyHalfLife.TotalSeconds);
    }

    public void Dispose() => Keys?.Dispose();
}
