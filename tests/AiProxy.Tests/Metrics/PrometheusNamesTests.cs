using AiProxy.Metrics.Prometheus;

namespace AiProxy.Tests.Metrics;

public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("aiproxy.requests", "{request}", true, "aiproxy_requests_total")]
    [InlineData("aiproxy.request.duration", "s", false, "aiproxy_request_duration_seconds")]
    [InlineData("aiproxy.cost", "USD", true, "aiproxy_cost_usd_total")]
    [InlineData("aiproxy.payload.size", "By", false, "aiproxy_payload_size_bytes")]
    [InlineData("aiproxy.requests.in_flight", "{request}", false, "aiproxy_requests_in_flight")]
    [InlineData("aiproxy.cache.l2.errors", null, true, "aiproxy_cache_l2_errors_total")]
    [InlineData("aiproxy.ratio", "1", false, "aiproxy_ratio")]
    [InlineData("aiproxy.throughput", "By/s", false, "aiproxy_throughput_bytes_per_second")]
    [InlineData("aiproxy.latency", "ms", false, "aiproxy_latency_milliseconds")]
    [InlineData("aiproxy.wait_seconds", "s", false, "aiproxy_wait_seconds")]
    [InlineData("aiproxy.events_total", "{event}", true, "aiproxy_events_total")]
    [InlineData("aiproxy.odd-name..x", "{x}", false, "aiproxy_odd_name_x")]
    [InlineData("9lives", null, false, "_9lives")]
    public void MetricName_Instrument_MapsToPrometheusName(string name, string? unit, bool counter, string expected)
    {
        Assert.Equal(expected, PrometheusNames.MetricName(name, unit, counter));
    }
}
