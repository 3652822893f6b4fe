using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiProxy.RateLimiting;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiProxy.Tests.RateLimiting;

/// <summary>Builds a <see cref="ClientRateLimiter"/> on a fake clock and records what it logs and measures.</summary>
internal sealed class RateLimiterHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();

    public RateLimiterHarness(FakeTimeProvider? time = null, IRedisConnection? redis = null, Action<RateLimitingOptions>? configure = null)
    {
        Time = time ?? new FakeTimeProvider();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        var options = new RateLimitingOptions();
        configure?.Invoke(options);
        var usage = new ClientUsageTracker(Time);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + Format(tags);
            Measurements.AddOrUpdate(key, value, (_, old) => instrument is ObservableGauge<long> ? value : old + value);
        });
        _listener.Start();
        Limiter = new ClientRateLimiter(Options.Create(options), new RateLimitingMetrics(meterFactory, usage), usage, Logger, Time, redis);
    }

    public FakeTimeProvider Time { get; }

    public TestLogger<ClientRateLimiter> Logger { get; } = new();

    public ClientRateLimiter Limiter { get; }

    /// <summary>Counter sums and last gauge values, keyed by instrument name plus sorted <c>{tag=value}</c> pairs.</summary>
    public ConcurrentDictionary<string, long> Measurements { get; } = new();

    public long Measurement(string key)
    {
        _listener.RecordObservableInstruments();
        return Measurements.TryGetValue(key, out var value) ? value : 0;
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
