using System.Buffers;
using System.ComponentModel;
using System.Text;
using AiProxy.Testing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>L1-only behaviour (no Redis configured).</summary>
public sealed class AiProxyHybridCacheTests
{
    private static readonly HybridCacheEntryOptions LocalOnlyPeek = new()
    {
        Flags = HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableDistributedCache,
    };

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task GetOrCreateAsync_SecondCall_ServedFromL1()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();

        var first = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync);
        var second = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync);

        Assert.False(test.Cache.HasDistributedCache);
        Assert.Equal("value-1", first);
        Assert.Equal("value-1", second);
        Assert.Equal(1, factory.Calls);
        Assert.Equal(1, test.Lookups("l1", "miss"));
        Assert.Equal(1, test.Lookups("l1", "hit"));
    }

    [Fact]
    public async Task GetOrCreateAsync_L1HitOfCompletedEntry_CompletesSynchronously()
    {
        await using var test = TestCache.Create(_time);
        await test.Cache.SetAsync("k", "v");

        var pending = test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("other"));

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal("v", pending.Result);
    }

    [Fact]
    public async Task GetOrCreateAsync_AfterExpiration_CallsFactoryAgain()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1) };

        await test.Cache.GetOrCreateAsync("k", factory.CreateAsync, options);
        _time.Advance(TimeSpan.FromSeconds(59));
        var beforeExpiry = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync, options);
        _time.Advance(TimeSpan.FromSeconds(2));
        var afterExpiry = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync, options);

        Assert.Equal("value-1", beforeExpiry);
        Assert.Equal("value-2", afterExpiry);
    }

    [Fact]
    public async Task GetOrCreateAsync_LocalCacheExpirationShorter_L1ExpiresFirst()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();
        var options = new HybridCacheEntryOptions { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromSeconds(10) };

        await test.Cache.GetOrCreateAsync("k", factory.CreateAsync, options);
        _time.Advance(TimeSpan.FromSeconds(11));
        await test.Cache.GetOrCreateAsync("k", factory.CreateAsync, options);

        Assert.Equal(2, factory.Calls);
    }

    [Fact]
    public async Task SetAsync_ThenGetOrCreate_ReturnsStoredValueWithoutFactory()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();

        await test.Cache.SetAsync("k", "stored");
        var value = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync);

        Assert.Equal("stored", value);
        Assert.Equal(0, factory.Calls);
    }

    [Fact]
    public async Task RemoveAsync_ExistingEntry_NextCallIsMiss()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("k", factory.CreateAsync);

        await test.Cache.RemoveAsync("k");
        var value = await test.Cache.GetOrCreateAsync("k", factory.CreateAsync);

        Assert.Equal("value-2", value);
    }

    [Fact]
    public async Task GetOrCreateAsync_DisableUnderlyingDataOnMiss_ReturnsDefaultWithoutFactory()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();

        var value = await test.Cache.GetOrCreateAsync("missing", factory.CreateAsync, LocalOnlyPeek);

        Assert.Null(value);
        Assert.Equal(0, factory.Calls);
    }

    [Fact]
    public async Task GetOrCreateAsync_OversizedEntry_ReturnedButNotCached()
    {
        await using var test = TestCache.Create(_time, configure: o => o.MaximumPayloadBytes = 1024);
        var calls = 0;
        ValueTask<string> Big(CancellationToken _) { calls++; return new(new string('x', 2000)); }

        var first = await test.Cache.GetOrCreateAsync("big", Big);
        var second = await test.Cache.GetOrCreateAsync("big", Big);

        Assert.Equal(2000, first.Length);
        Assert.Equal(2000, second.Length);
        Assert.Equal(2, calls);
        Assert.Equal(0, test.Cache.LocalCacheSize);
    }

    [Fact]
    public async Task SetAsync_BeyondSizeLimit_EvictsLeastRecentlyUsedAndStaysBounded()
    {
        const int limit = 16 * 1024;
        await using var test = TestCache.Create(_time, configure: o => o.LocalCacheSizeLimitBytes = limit);
        var payload = new byte[1000];

        for (var i = 0; i < 40; i++)
        {
            await test.Cache.SetAsync($"k{i}", payload);
            _time.Advance(TimeSpan.FromSeconds(1)); // distinct last-access times make LRU order deterministic
            Assert.True(test.Cache.LocalCacheSize <= limit, $"L1 holds {test.Cache.LocalCacheSize} bytes after {i + 1} sets");
        }

        Assert.Null(await PeekAsync(test, "k0"));
        Assert.NotNull(await PeekAsync(test, "k39"));
        Assert.True(test.Cache.LocalCacheSize > limit / 2, "eviction should not empty the cache");
        Assert.True(test.Cache.LocalCacheSize <= limit);
    }

    [Fact]
    public async Task GetOrCreateAsync_50ConcurrentCallers_FactoryCalledOnce()
    {
        await using var test = TestCache.Create(_time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        async ValueTask<string> Slow(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return "shared";
        }

        var callers = Enumerable.Range(0, 50)
            .Select(_ => Task.Run(async () => await test.Cache.GetOrCreateAsync("k", Slow)))
            .ToArray();
        await TestCache.WaitUntilAsync(() => Volatile.Read(ref calls) > 0);
        await Task.Delay(50); // give the remaining callers time to join the flight while the factory is blocked
        gate.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, calls);
        Assert.All(results, r => Assert.Equal("shared", r));
    }

    [Fact]
    public async Task GetOrCreateAsync_OneOfTwoCallersCancels_SharedFactoryCompletesForTheOther()
    {
        await using var test = TestCache.Create(_time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var factoryToken = CancellationToken.None;
        async ValueTask<string> Slow(CancellationToken ct)
        {
            factoryToken = ct;
            await gate.Task;
            return "done";
        }
        using var cancelled = new CancellationTokenSource();
        using var patient = new CancellationTokenSource();

        var first = test.Cache.GetOrCreateAsync("k", Slow, cancellationToken: cancelled.Token).AsTask();
        var second = test.Cache.GetOrCreateAsync("k", Slow, cancellationToken: patient.Token).AsTask();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(factoryToken.IsCancellationRequested);
        gate.SetResult();
        Assert.Equal("done", await second);
    }

    [Fact]
    public async Task GetOrCreateAsync_AllCallersCancel_SharedFactoryCancelledAndNothingCached()
    {
        await using var test = TestCache.Create(_time);
        var factoryCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async ValueTask<string> Slow(CancellationToken ct)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            }
            finally
            {
                if (ct.IsCancellationRequested) factoryCancelled.TrySetResult();
            }
        }
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();

        var first = test.Cache.GetOrCreateAsync("k", Slow, cancellationToken: a.Token).AsTask();
        var second = test.Cache.GetOrCreateAsync("k", Slow, cancellationToken: b.Token).AsTask();
        a.Cancel();
        Assert.False(factoryCancelled.Task.IsCompleted);
        b.Cancel();

        await factoryCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        var next = await test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("fresh"));
        Assert.Equal("fresh", next);
    }

    [Fact]
    public async Task GetOrCreateAsync_FactoryThrows_AllCallersSeeExceptionAndNothingCached()
    {
        await using var test = TestCache.Create(_time);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await test.Cache.GetOrCreateAsync<string>("k", static _ => throw new InvalidOperationException("upstream failed")));
        var next = await test.Cache.GetOrCreateAsync("k", static _ => ValueTask.FromResult("ok"));

        Assert.Equal("ok", next);
    }

    [Fact]
    public async Task RemoveByTagAsync_TaggedEntry_BecomesMissWhileOthersStay()
    {
        await using var test = TestCache.Create(_time);
        var factory = new CountingFactory();
        await test.Cache.GetOrCreateAsync("tagged", factory.CreateAsync, tags: ["model:gpt-4o"]);
        await test.Cache.GetOrCreateAsync("other", factory.CreateAsync, tags: ["model:llama"]);
        _time.Advance(TimeSpan.FromSeconds(1));

        await test.Cache.RemoveByTagAsync("model:gpt-4o");

        Assert.Null(await PeekAsync(test, "tagged"));
        Assert.Equal("value-2", await PeekAsync(test, "other"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("value-3", await test.Cache.GetOrCreateAsync("tagged", factory.CreateAsync, tags: ["model:gpt-4o"]));
        Assert.Equal("value-3", await PeekAsync(test, "tagged"));
    }

    [Fact]
    public async Task RemoveByTagAsync_Wildcard_InvalidatesEverything()
    {
        await using var test = TestCache.Create(_time);
        await test.Cache.SetAsync("a", "1");
        await test.Cache.SetAsync("b", "2", tags: ["t"]);
        _time.Advance(TimeSpan.FromSeconds(1));

        await test.Cache.RemoveByTagAsync("*");

        Assert.Null(await PeekAsync(test, "a"));
        Assert.Null(await PeekAsync(test, "b"));
    }

    [Fact]
    public async Task GetOrCreateAsync_ByteArrayAndReadOnlyMemory_RoundTripWithoutSharingMutableArrays()
    {
        await using var test = TestCache.Create(_time);
        await test.Cache.SetAsync("bytes", new byte[] { 1, 2, 3 });

        var copy = await test.Cache.GetOrCreateAsync<byte[]>("bytes", static _ => throw new InvalidOperationException(), LocalOnlyPeek);
        copy[0] = 99;
        var again = await test.Cache.GetOrCreateAsync<byte[]>("bytes", static _ => throw new InvalidOperationException(), LocalOnlyPeek);
        var memory = await test.Cache.GetOrCreateAsync<ReadOnlyMemory<byte>>("bytes", static _ => throw new InvalidOperationException(), LocalOnlyPeek);

        Assert.Equal(new byte[] { 1, 2, 3 }, again);
        Assert.Equal(new byte[] { 1, 2, 3 }, memory.ToArray());
    }

    [Fact]
    public async Task GetOrCreateAsync_TypeWithoutSerializer_FallsBackToJson()
    {
        await using var test = TestCache.Create(_time);
        await test.Cache.SetAsync("poco", new Poco { Name = "n", Count = 3 });

        var first = await test.Cache.GetOrCreateAsync<Poco>("poco", static _ => throw new InvalidOperationException(), LocalOnlyPeek);
        var second = await test.Cache.GetOrCreateAsync<Poco>("poco", static _ => throw new InvalidOperationException(), LocalOnlyPeek);

        Assert.Equal("n", first.Name);
        Assert.Equal(3, first.Count);
        Assert.NotSame(first, second); // mutable: every caller gets its own copy
    }

    [Fact]
    public async Task GetOrCreateAsync_RegisteredSerializerForImmutableType_UsedAndInstanceShared()
    {
        var serializer = new ImmutableValueSerializer();
        await using var test = TestCache.Create(_time, configureServices: s => s.AddSingleton<IHybridCacheSerializer<ImmutableValue>>(serializer));
        await test.Cache.SetAsync("v", new ImmutableValue("hello"));
        await test.Cache.RemoveAsync("unrelated");

        var first = await test.Cache.GetOrCreateAsync<ImmutableValue>("v", static _ => throw new InvalidOperationException(), LocalOnlyPeek);
        var second = await test.Cache.GetOrCreateAsync<ImmutableValue>("v", static _ => throw new InvalidOperationException(), LocalOnlyPeek);

        Assert.Equal("hello", first.Text);
        Assert.Same(first, second);
        Assert.Equal(1, serializer.Serialized);
    }

    [Fact]
    public async Task GetOrCreateAsync_KeyTooLong_BypassesCache()
    {
        await using var test = TestCache.Create(_time, configure: o => o.MaximumKeyLength = 8);
        var factory = new CountingFactory();

        await test.Cache.GetOrCreateAsync("a-key-that-is-too-long", factory.CreateAsync);
        await test.Cache.GetOrCreateAsync("a-key-that-is-too-long", factory.CreateAsync);

        Assert.Equal(2, factory.Calls);
    }

    private static ValueTask<string?> PeekAsync(TestCache test, string key)
        => test.Cache.GetOrCreateAsync<string?>(key, static _ => ValueTask.FromResult<string?>("factory-called"), LocalOnlyPeek);

    public sealed class Poco
    {
        public string Name { get; set; } = "";

        public int Count { get; set; }
    }

    [ImmutableObject(true)]
    public sealed record ImmutableValue(string Text);

    private sealed class ImmutableValueSerializer : IHybridCacheSerializer<ImmutableValue>
    {
        public int Serialized;

        public ImmutableValue Deserialize(ReadOnlySequence<byte> source) => new(Encoding.UTF8.GetString(source));

        public void Serialize(ImmutableValue value, IBufferWriter<byte> target)
        {
            Serialized++;
            Encoding.UTF8.GetBytes(value.Text, target);
        }
    }
}
