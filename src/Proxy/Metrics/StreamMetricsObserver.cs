using AiProxy.Streaming;

namespace AiProxy.Metrics;

/// <summary>Counts SSE answers in flight (<c>aiproxy.streams.in_flight</c>). Stateless: one instance serves every stream.</summary>
internal sealed class StreamMetricsObserver : ISseEventObserver
{
    private readonly ProxyMetrics _metrics;

    public StreamMetricsObserver(ProxyMetrics metrics) => _metrics = metrics;

    public void OnStarted() => _metrics.StreamStarted();

    public int OnEvent(Span<byte> evt) => evt.Length;

    public void OnCompleted(bool success) => _metrics.StreamFinished();
}
