using System.Diagnostics.Metrics;
using AiProxy.Metrics;

namespace AiProxy.RateLimiting;

/// <summary>Rate-limit instruments on the <c>AiProxy</c> meter: rejections, fallbacks, and per-client quota and usage gauges for usage/quota alerts.</summary>
internal sealed class RateLimitingMetrics
{
    public const string MeterName = ProxyMetrics.MeterName;

    private readonly Counter<long> _rejections;
    private readonly Counter<long> _fallbacks;

    public RateLimitingMetrics(IMeterFactory meterFactory, ClientUsageTracker usage)
    {
        var meter = meterFactory.Create(MeterName);
        _rejections = meter.CreateCounter<long>("aiproxy.ratelimit.rejections", "{request}", "Requests rejected by a per-client rate limit.");
        _fallbacks = meter.CreateCounter<long>("aiproxy.ratelimit.fallbacks", "{request}",
            "Rate-limit decisions made under local fallback limits because Redis was unavailable.");
        meter.CreateObservableGauge("aiproxy.ratelimit.requests.quota", () => Observe(usage, tokens: false, quota: true), "{request}",
            "Configured requests per minute per client.");
        meter.CreateObservableGauge("aiproxy.ratelimit.requests.usage", () => Observe(usage, tokens: false, quota: false), "{request}",
            "Requests counted in the client's current one-minute window.");
        meter.CreateObservableGauge("aiproxy.ratelimit.tokens.quota", () => Observe(usage, tokens: true, quota: true), "{token}",
            "Configured tokens per minute per client.");
        meter.CreateObservableGauge("aiproxy.ratelimit.tokens.usage", () => Observe(usage, tokens: true, quota: false), "{token}",
            "Tokens reserved or settled in the client's current one-minute window.");
    }

    public void Rejected(string clientId, RateLimitKind kind)
    {
        if (!_rejections.Enabled) return;
        _rejections.Add(1, new KeyValuePair<string, object?>("client", clientId), new KeyValuePair<string, object?>("limit", LimitName(kind)));
    }

    public void Fallback() => _fallbacks.Add(1);

    internal static string LimitName(RateLimitKind kind) => kind switch
    {
        RateLimitKind.Requests => "requests",
        RateLimitKind.Tokens => "tokens",
        RateLimitKind.Concurrency => "concurrency",
        _ => "none",
    };

    private static IEnumerable<Measurement<long>> Observe(ClientUsageTracker usage, bool tokens, bool quota)
    {
        foreach (var (clientId, q, used) in usage.Snapshot(tokens))
        {
            yield return new Measurement<long>(quota ? q : used, new KeyValuePair<string, object?>("client", clientId));
        }
    }
}
