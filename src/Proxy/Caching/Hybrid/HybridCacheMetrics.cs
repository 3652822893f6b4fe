using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiProxy.Metrics;

namespace AiProxy.Caching.Hybrid;

/// <summary>Cache lookup and distributed-cache failure counters on the proxy's meter.</summary>
internal sealed class HybridCacheMetrics
{
    public const string MeterName = ProxyMetrics.MeterName;

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _l2Errors;

    public HybridCacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("aiproxy.cache.lookups", unit: "{lookup}", description: "Response cache lookups by layer and result.");
        _l2Errors = meter.CreateCounter<long>("aiproxy.cache.l2.errors", unit: "{error}", description: "Distributed cache operations that failed or timed out.");
    }

    public void L1Hit() => Lookup("l1", "hit");

    public void L1Miss() => Lookup("l1", "miss");

    public void L2Hit() => Lookup("l2", "hit");

    public void L2Miss() => Lookup("l2", "miss");

    public void L2Error(string operation)
    {
        if (operation == "get")
        {
            Lookup("l2", "error");
        }
        if (_l2Errors.Enabled)
        {
            _l2Errors.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    private void Lookup(string layer, string result)
    {
        if (_lookups.Enabled)
        {
            var tags = new TagList { { "layer", layer }, { "result", result } };
            _lookups.Add(1, in tags);
        }
    }
}
