using System.Diagnostics.Metrics;
using AiProxy.Metrics;
using AiProxy.Metrics.Prometheus;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Benchmarks;

/// <summary>
/// The per-request measurements of a proxied answer (request count, duration, time to first byte, upstream attempt,
/// tokens) through the Prometheus bridge, against the same calls with no listener (metrics off).
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private static readonly RequestTags Tags = new("default", "mock", "gpt-4o-mini", "load", "bypass", Stream: false);

    private ServiceProvider _on = null!;
    private ServiceProvider _off = null!;
    private ProxyMetrics _exported = null!;
    private ProxyMetrics _silent = null!;

    [GlobalSetup]
    public void Setup()
    {
        _on = new ServiceCollection().AddMetrics().AddAiProxyPrometheus().BuildServiceProvider();
        _off = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = _on.GetRequiredService<PrometheusMeterBridge>();
        _exported = new ProxyMetrics(_on.GetRequiredService<IMeterFactory>());
        _silent = new ProxyMetrics(_off.GetRequiredService<IMeterFactory>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _on.Dispose();
        _off.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void MetricsOff() => Answer(_silent);

    [Benchmark]
    public void MetricsOn() => Answer(_exported);

    private static void Answer(ProxyMetrics metrics)
    {
        metrics.RequestStarted();
        metrics.UpstreamAttempt("mock", "k-1a2b3c", "ok");
        metrics.Tokens("load", "gpt-4o-mini", 12, 5, 0, 0.00001);
        metrics.RequestFinished(Tags, 200, 0.0031, 0.0027);
    }
}
