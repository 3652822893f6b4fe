using System.Diagnostics.Metrics;
using AiProxy.Metrics.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Tests.Metrics;

/// <summary>A DI container with the real meter factory, an <c>AiProxy</c> meter from it, and the prometheus-net bridge over that factory.</summary>
internal sealed class ExporterHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public ExporterHarness(int? maxSeries = null)
    {
        _services = new ServiceCollection().AddAiProxyPrometheus().BuildServiceProvider();
        Factory = _services.GetRequiredService<IMeterFactory>();
        Meter = Factory.Create("AiProxy");
        Exporter = maxSeries is { } max ? new PrometheusMeterBridge(Factory, max) : _services.GetRequiredService<PrometheusMeterBridge>();
    }

    public IServiceProvider Services => _services;

    public IMeterFactory Factory { get; }

    public Meter Meter { get; }

    public PrometheusMeterBridge Exporter { get; }

    public string Scrape() => Exporter.ScrapeAsync().GetAwaiter().GetResult();

    public void Dispose()
    {
        Exporter.Dispose();
        _services.Dispose();
    }
}
