using System.Diagnostics.Metrics;
using AiProxy.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AiProxy.Tests.Metrics;

public sealed class StreamMetricsObserverTests
{
    [Fact]
    public void OnStartedThenOnCompleted_StreamsInFlightGoesUpThenDown()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var observer = new StreamMetricsObserver(new ProxyMetrics(factory));
        using var collector = new MetricCollector<long>(factory, ProxyMetrics.MeterName, "aiproxy.streams.in_flight");

        observer.OnStarted();
        var kept = observer.OnEvent(new byte[5]);
        observer.OnCompleted(success: false);

        Assert.Equal(5, kept);
        Assert.Equal([1L, -1L], collector.GetMeasurementSnapshot().Select(m => m.Value));
    }
}
