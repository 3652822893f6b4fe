using System.Diagnostics.Metrics;
using AiProxy.Metrics;

namespace AiProxy.Admission;

/// <summary>Requests refused before any work: <c>aiproxy_requests_shed_total{reason}</c>.</summary>
internal sealed class AdmissionMetrics
{
    public const string QueueFull = "queue_full";
    public const string QueueTimeout = "queue_timeout";
    public const string Draining = "draining";

    private readonly Counter<long> _shed;

    public AdmissionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ProxyMetrics.MeterName);
        _shed = meter.CreateCounter<long>("aiproxy.requests.shed", "{request}",
            "Requests refused with 503 before any work: queue_full, queue_timeout (overload) or draining (shutdown).");
    }

    public void Shed(string reason)
    {
        if (_shed.Enabled)
        {
            _shed.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}
