using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiProxy.Metrics;

namespace AiProxy.Caching;

/// <summary>Exact-cache outcomes on the shared <c>aiproxy.cache.lookups</c> counter (<c>layer=exact</c>; the hybrid cache records l1/l2).</summary>
internal sealed class ResponseCacheMetrics
{
    public const string MeterName = ProxyMetrics.MeterName;

    private readonly Counter<long> _lookups;

    public ResponseCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        // Same name, unit and description as HybridCacheMetrics, so both feed one instrument.
        _lookups = meter.CreateCounter<long>("aiproxy.cache.lookups", unit: "{lookup}", description: "Response cache lookups by layer and result.");
    }

    public void Hit() => Lookup("hit");

    public void Miss() => Lookup("miss");

    public void Bypass() => Lookup("bypass");

    private void Lookup(string result)
    {
        if (_lookups.Enabled)
        {
            var tags = new TagList { { "layer", "exact" }, { "result", result } };
            _lookups.Add(1, in tags);
        }
    }
}
