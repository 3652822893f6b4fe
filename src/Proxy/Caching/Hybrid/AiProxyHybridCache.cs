using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiProxy.Caching.Hybrid;

/// <summary>
/// The proxy's <see cref="HybridCache"/>: a size-bounded <see cref="MemoryCache"/> (L1) in front of an optional
/// <see cref="IDistributedCache"/> (L2, Redis), with stampede protection and tag invalidation shared across replicas.
/// Stands in for Microsoft.Extensions.Caching.Hybrid, which this registry lacks; swapping in <c>AddHybridCache()</c> is one line.
/// </summary>
internal sealed partial class AiProxyHybridCache : HybridCache, IDisposable
{
    private static readonly TimeSpan FallbackExpiration = TimeSpan.FromMinutes(5);

    private readonly AiProxyHybridCacheOptions _options;
    private readonly MemoryCache _l1;
    private readonly IDistributedCache? _l2;
    private readonly HybridCacheSerializerRegistry _serializers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HybridCacheMetrics _metrics;
    private readonly TimeSpan _defaultExpiration;
    private readonly TimeSpan _defaultLocalExpiration;
    private readonly HybridCacheEntryFlags _defaultFlags;

    public AiProxyHybridCache(IOptions<AiProxyHybridCacheOptions> options, IServiceProvider services)
    {
        _options = options.Value;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetService<ILogger<AiProxyHybridCache>>() ?? NullLogger<AiProxyHybridCache>.Instance;
        _metrics = new HybridCacheMetrics(services.GetRequiredService<IMeterFactory>());
        _serializers = new HybridCacheSerializerRegistry(services);

        var defaults = _options.DefaultEntryOptions;
        _defaultExpiration = defaults?.Expiration ?? FallbackExpiration;
        _defaultLocalExpiration = defaults?.LocalCacheExpiration ?? _defaultExpiration;
        _defaultFlags = defaults?.Flags ?? HybridCacheEntryFlags.None;

        _l1 = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = _options.LocalCacheSizeLimitBytes,
            TrackStatistics = true,
            Clock = new TimeProviderClock(_time),
        });
        _l2 = _options.DistributedCacheEnabled ? ResolveDistributedCache(services) : null;
        _tagRefreshTicks = ToTimestampTicks(_options.TagRefreshInterval);
        _l2BackoffTicks = ToTimestampTicks(_options.DistributedCacheFailureBackoff);
    }

    /// <summary>Gets a value indicating whether an L2 is in use (for diagnostics and tests).</summary>
    internal bool HasDistributedCache => _l2 is not null;

    /// <summary>Gets the bytes currently held by L1 (for diagnostics and tests).</summary>
    internal long LocalCacheSize => _l1.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    public override ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var flags = options?.Flags ?? _defaultFlags;
        if (!IsValidKey(key))
        {
            return (flags & HybridCacheEntryFlags.DisableUnderlyingData) != 0 ? default : factory(state, cancellationToken);
        }

        if ((flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0)
        {
            if (TryGetL1(key, out var item))
            {
                switch (CheckTags(item))
                {
                    case TagCheck.Valid:
                        if (TryGetValue(item, "l1", out T value))
                        {
                            _metrics.L1Hit();
                            return new ValueTask<T>(value);
                        }
                        break;
                    case TagCheck.NeedsRefresh:
                        return GetAfterTagRefreshAsync(item, key, state, factory, options, tags, flags, cancellationToken);
                }
            }
            _metrics.L1Miss();
        }
        return GetOrCreateSharedAsync(key, state, factory, options, tags, flags, cancellationToken);
    }

    public override async ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        if (!IsValidKey(key)) return;
        await StoreAsync(key, value, options, tags, options?.Flags ?? _defaultFlags, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!IsValidKey(key)) return;
        _l1.Remove(key);
        if (L2Usable())
        {
            await RemoveL2Async(key, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _l1.Dispose();

    private async ValueTask<T> GetAfterTagRefreshAsync<TState, T>(
        CacheItem item, string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CancellationToken cancellationToken)
    {
        if (await IsValidAsync(item, cancellationToken).ConfigureAwait(false) && TryGetValue(item, "l1", out T value))
        {
            _metrics.L1Hit();
            return value;
        }
        _metrics.L1Miss();
        return await GetOrCreateSharedAsync(key, state, factory, options, tags, flags, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serializes and writes a value to the enabled layers; a value too large or failing to serialize is simply not cached.</summary>
    private async ValueTask StoreAsync<T>(string key, T value, HybridCacheEntryOptions? options, IEnumerable<string>? tags, HybridCacheEntryFlags flags, CancellationToken cancellationToken)
    {
        var writeL1 = (flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0;
        var writeL2 = (flags & HybridCacheEntryFlags.DisableDistributedCacheWrite) == 0 && L2Usable();
        if (!writeL1 && !writeL2) return;

        var expiration = options?.Expiration ?? _defaultExpiration;
        var created = _time.GetUtcNow().UtcTicks;
        var item = CreateItem(value, created, created + expiration.Ticks, NormalizeTags(tags));
        if (item is null) return;

        if (writeL1)
        {
            SetL1(key, item, options);
        }
        if (writeL2)
        {
            await WriteL2Async(key, item, expiration, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsValidKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > _options.MaximumKeyLength)
        {
            Log.KeyInvalid(_logger, key?.Length ?? 0, _options.MaximumKeyLength);
            return false;
        }
        return true;
    }

    private bool TryGetL1(string key, [NotNullWhen(true)] out CacheItem? item)
    {
        if (_l1.TryGetValue(key, out var value) && value is CacheItem found && found.ExpiresUtcTicks > _time.GetUtcNow().UtcTicks)
        {
            item = found;
            return true;
        }
        item = null;
        return false;
    }

    private void SetL1(string key, CacheItem item, HybridCacheEntryOptions? options)
    {
        var now = _time.GetUtcNow();
        var localExpires = now + (options?.LocalCacheExpiration ?? _defaultLocalExpiration);
        var expires = new DateTimeOffset(item.ExpiresUtcTicks, TimeSpan.Zero);
        if (localExpires > expires) localExpires = expires;
        if (localExpires <= now) return;

        if (!TryAddL1(key, item, localExpires) && item.Buffer.Length <= _options.LocalCacheSizeLimitBytes)
        {
            // Over the size limit MemoryCache rejects the new entry and only compacts later in the background;
            // evict least recently used entries now so the newest response is the one that stays.
            MakeRoom(item.Buffer.Length);
            TryAddL1(key, item, localExpires);
        }
    }

    private bool TryAddL1(string key, CacheItem item, DateTimeOffset absoluteExpiration)
    {
        using (var entry = _l1.CreateEntry(key))
        {
            entry.Value = item;
            entry.Size = item.Buffer.Length;
            entry.AbsoluteExpiration = absoluteExpiration;
        }
        return _l1.TryGetValue(key, out var stored) && ReferenceEquals(stored, item);
    }

    private void MakeRoom(long bytes)
    {
        var stats = _l1.GetCurrentStatistics();
        var current = stats?.CurrentEstimatedSize ?? 0;
        if (current <= 0) return;
        // Compact works on a share of the entry count; treating entries as equally sized is close enough, plus 5% headroom
        // so that the next few inserts don't each trigger a compaction.
        var excess = current + bytes - (_options.LocalCacheSizeLimitBytes * 0.95);
        _l1.Compact(Math.Clamp(excess / current, 0.05, 1.0));
    }

    private bool TryGetValue<T>(CacheItem item, string layer, out T value)
    {
        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            // Zero-copy: the buffer is never mutated once cached.
            var payload = item.Payload;
            value = Unsafe.As<ReadOnlyMemory<byte>, T>(ref payload);
            return true;
        }
        if (item.Value is T cached)
        {
            value = cached;
            return true;
        }
        try
        {
            value = _serializers.Get<T>().Deserialize(item.PayloadSequence);
            if (ImmutableType<T>.IsImmutable)
            {
                item.Value = value;
            }
            return true;
        }
        catch (Exception ex)
        {
            Log.PayloadUnreadable(_logger, layer, ex.GetType().Name);
            value = default!;
            return false;
        }
    }

    private CacheItem? CreateItem<T>(T value, long createdUtcTicks, long expiresUtcTicks, string[] tags)
    {
        var headerSize = CachePayload.GetHeaderSize(tags);
        byte[] buffer;
        int payloadLength;
        try
        {
            if (typeof(T) == typeof(ReadOnlyMemory<byte>) || typeof(T) == typeof(byte[]))
            {
                // Known size: write straight into the final buffer.
                var bytes = typeof(T) == typeof(byte[]) ? ((byte[])(object)value!).AsSpan() : Unsafe.As<T, ReadOnlyMemory<byte>>(ref value).Span;
                payloadLength = bytes.Length;
                if (!FitsPayloadLimit(headerSize + payloadLength)) return null;
                buffer = new byte[headerSize + payloadLength];
                bytes.CopyTo(buffer.AsSpan(headerSize));
            }
            else
            {
                using var writer = new PooledBufferWriter();
                _serializers.Get<T>().Serialize(value, writer);
                payloadLength = writer.WrittenCount;
                if (!FitsPayloadLimit(headerSize + payloadLength)) return null;
                buffer = new byte[headerSize + payloadLength];
                writer.WrittenSpan.CopyTo(buffer.AsSpan(headerSize));
            }
        }
        catch (Exception ex)
        {
            Log.SerializationFailed(_logger, ex.GetType().Name);
            return null;
        }

        CachePayload.WriteHeader(buffer, createdUtcTicks, expiresUtcTicks, tags, payloadLength);
        var item = new CacheItem(buffer, headerSize, payloadLength, createdUtcTicks, expiresUtcTicks, tags);
        if (ImmutableType<T>.IsImmutable)
        {
            item.Value = value;
        }
        return item;
    }

    private bool FitsPayloadLimit(int totalBytes)
    {
        if (totalBytes <= _options.MaximumPayloadBytes) return true;
        Log.PayloadTooLarge(_logger, totalBytes, _options.MaximumPayloadBytes);
        return false;
    }

    private static string[] NormalizeTags(IEnumerable<string>? tags)
    {
        if (tags is null) return [];
        if (tags is string[] { Length: 0 }) return [];
        List<string>? list = null;
        foreach (var tag in tags)
        {
            // "*" is reserved for "everything" and is implied on every entry.
            if (string.IsNullOrEmpty(tag) || tag == WildcardTag) continue;
            if (tag.Length > MaximumTagLength) throw new ArgumentException($"Cache tags are limited to {MaximumTagLength} characters.", nameof(tags));
            list ??= [];
            if (!list.Contains(tag)) list.Add(tag);
        }
        return list is null ? [] : [.. list];
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static IDistributedCache? ResolveDistributedCache(IServiceProvider services)
    {
        var l2 = services.GetService<IDistributedCache>();
        // An in-process "distributed" cache adds nothing over L1 (AddSession and friends register one), so prefer Redis.
        if (l2 is MemoryDistributedCache or null)
        {
            l2 = services.GetService<RedisDistributedCache>();
        }
        return l2 is RedisDistributedCache { IsConfigured: false } ? null : l2;
    }
}
