using System.Diagnostics.Metrics;
using AiProxy.RateLimiting;
using AiProxy.RateLimiting.Budgets;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiProxy.Tests.RateLimiting.Budgets;

/// <summary>A <see cref="BudgetLedger"/> on a fake clock, with its gauges readable.</summary>
internal sealed class BudgetLedgerHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _gauges = new(StringComparer.Ordinal);

    public BudgetLedgerHarness(FakeTimeProvider time, IRedisConnection? redis = null, int expectedReplicas = 1)
    {
        Time = time;
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _gauges[instrument.Name + Format(tags)] = value);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _gauges[instrument.Name + Format(tags)] = instrument is ObservableGauge<long> ? value : _gauges.GetValueOrDefault(instrument.Name + Format(tags)) + value);
        _listener.Start();
        Ledger = new BudgetLedger(Options.Create(new RateLimitingOptions { ExpectedReplicas = expectedReplicas }), new BudgetMetrics(meterFactory, time), Logger, time, redis);
    }

    public FakeTimeProvider Time { get; }

    public TestLogger<BudgetLedger> Logger { get; } = new();

    public BudgetLedger Ledger { get; }

    public double Gauge(string key)
    {
        _listener.RecordObservableInstruments();
        return _gauges.TryGetValue(key, out var value) ? value : double.NaN;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private static string Format(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags) parts.Add($"{tag.Key}={tag.Value}");
        parts.Sort(StringComparer.Ordinal);
        return parts.Count == 0 ? "" : "{" + string.Join(",", parts) + "}";
    }
}
