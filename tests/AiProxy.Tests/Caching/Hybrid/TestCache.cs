using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiProxy.Caching.Hybrid;
using AiProxy.Redis;
using AiProxy.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>One cache instance built through the real DI registration, with its own meter scope so metrics are per instance.</summary>
internal sealed class TestCache : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    private TestCache(ServiceProvider services, CapturingLoggerProvider logs)
    {
        _services = services;
        Logs = logs;
        Cache = services.GetRequiredService<HybridCache>();
        Purge = services.GetRequiredService<CachePurgeBroadcast>();
        var scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    public HybridCache Cache { get; }

    public CachePurgeBroadcast Purge { get; }

    /// <summary>Gets a value indicating whether Redis is wired in as L2.</summary>
    public bool HasDistributedCache => _services.GetService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>() is ResilientDistributedCache;

    public CapturingLoggerProvider Logs { get; }

    public string LogText => string.Join(" | ", Logs.Entries.Select(e => $"{e.EventId.Id}:{e.Message}"));

    public static TestCache Create(TimeProvider time, IRedisConnection? redis = null, long memoryLimitBytes = 1024 * 1024)
    {
        var services = new ServiceCollection();
        var logs = new CapturingLoggerProvider();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddSingleton(time);
        services.AddSingleton(redis ?? new RedisConnection(null, NullLogger<RedisConnection>.Instance));
        services.AddAiProxyHybridCache(memoryLimitBytes, maximumPayloadBytes: 64 * 1024, useRedis: redis is not null, TimeSpan.FromMilliseconds(250));
        return new TestCache(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }), logs);
    }

    /// <summary>A shared Redis connection that is already up, so tests don't race the background connect.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisServer server)
    {
        var connection = new RedisConnection(server.Configuration, NullLogger<RedisConnection>.Instance);
        _ = connection.StartConnect(); // background connect; the wait below observes it
        await WaitUntilAsync(() => connection.IsConnected);
        return connection;
    }

    /// <summary>Waits until commands really go through (IsConnected can briefly be true before a reconnect settles).</summary>
    public static Task WaitUntilServingAsync(RedisConnection connection) => WaitUntilAsync(async () =>
    {
        try
        {
            return connection.TryGetDatabase() is { } db && await db.PingAsync() >= TimeSpan.Zero;
        }
        catch (Exception)
        {
            return false;
        }
    });

    /// <summary>Waits on real time for an external process (redis-server, the client's reconnect) to reach a state.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 15000)
        => WaitUntilAsync(() => Task.FromResult(condition()), timeoutMs);

    /// <summary>
    /// As <see cref="WaitUntilAsync(Func{bool}, int)"/> for a condition that awaits Redis or the cache: a blocking call
    /// there (a sync Redis command, <c>.Result</c>) starves the thread pool of a busy test run and times out.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 15000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException("Condition not reached in time.");
            await Task.Delay(20);
        }
    }

    public long Count(string instrument, params (string Key, string Value)[] tags)
    {
        long total = 0;
        foreach (var m in _measurements)
        {
            if (m.Name != instrument) continue;
            if (tags.All(t => m.Tags.Any(mt => mt.Key == t.Key && (mt.Value as string) == t.Value))) total += m.Value;
        }
        return total;
    }

    public long Lookups(string layer, string result) => Count("aiproxy.cache.lookups", ("layer", layer), ("result", result));

    public long L2Errors => Count("aiproxy.cache.l2.errors");

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _services.DisposeAsync();
    }
}
