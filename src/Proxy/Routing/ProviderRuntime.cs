using AiProxy.Transforms.Keys;
using AiProxy.Transforms.Upstream;

namespace AiProxy.Routing;

/// <summary>A provider compiled from config: its upstream target, key pool, circuit breaker and latency estimate.</summary>
internal sealed class ProviderRuntime : IDisposable
{
    private const double LatencyWeight = 0.2;
    private long _ewmaTicks;

    public ProviderRuntime(UpstreamTarget target, UpstreamKeyPool? keys, ProviderCircuitBreaker breaker, int weight, TimeProvider time,
        int? requestsPerMinutePerKey = null, int? tokensPerMinutePerKey = null)
    {
        Target = target;
        Keys = keys;
        Breaker = breaker;
        Weight = weight;
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

    public void RecordLatency(TimeSpan timeToFirstByte)
    {
        // Lock-free EWMA; a lost update under contention only delays convergence slightly.
        var old = Volatile.Read(ref _ewmaTicks);
        var next = old == 0 ? timeToFirstByte.Ticks : (long)((old * (1 - LatencyWeight)) + (timeToFirstByte.Ticks * LatencyWeight));
        Interlocked.CompareExchange(ref _ewmaTicks, next, old);
    }

    public void Dispose() => Keys?.Dispose();
}
