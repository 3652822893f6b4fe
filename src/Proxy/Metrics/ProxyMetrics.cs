using System.Diagnostics.Metrics;

namespace AiProxy.Metrics;

/// <summary>The proxy's instruments; exported by the Prometheus endpoint as <c>aiproxy_*</c>.</summary>
internal sealed class ProxyMetrics
{
    public const string MeterName = "AiProxy";

    private readonly Counter<long> _configReloads;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _configReloads = meter.CreateCounter<long>("aiproxy.config.reloads", unit: "{reload}", description: "Config reloads by result (success, invalid).");
    }

    public void ConfigReloaded(bool success)
    {
        if (_configReloads.Enabled)
        {
            _configReloads.Add(1, new KeyValuePair<string, object?>("result", success ? "success" : "invalid"));
        }
    }
}
