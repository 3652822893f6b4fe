using System.Buffers;
using System.Collections.Concurrent;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// In-memory vector index, one <see cref="SemanticPartition"/> per scope, bounded by entries and bytes (sampled-LRU
/// eviction) and by a TTL on the injected <see cref="TimeProvider"/>. Vectors are int8 with a per-vector scale plus
/// sign bits for pre-filtering: 100k × 384-d entries take ~45 MB of vectors. Entries point at an exact-cache key;
/// the answer itself is never stored here.
/// </summary>
internal sealed class SemanticIndex
{
    private readonly ConcurrentDictionary<string, SemanticPartition> _partitions = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly object _partitionListLock = new();
    private SemanticPartition[] _partitionList = [];
    private long _count;
    private long _bytes;

    public SemanticIndex(int dimensions, int maxEntries, long maxBytes, TimeSpan ttl, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        Dimensions = dimensions;
        MaxEntries = maxEntries;
        MaxBytes = maxBytes;
        Ttl = ttl;
        _timeProvider = timeProvider;
    }

    public int Dimensions { get; }

    public int MaxEntries { get; }

    public long MaxBytes { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Gets the number of entries (expired ones count until they are swept).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Gets the bytes accounted for the entries.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Gets the number of scopes with a partition.</summary>
    public int Partitions => _partitions.Count;

    /// <summary>Finds the most similar live entry of <paramref name="scope"/> to a unit-length query vector.</summary>
    public SemanticSearchResult Search(string scope, ReadOnlySpan<float> query)
    {
        if (query.Length != Dimensions || !_partitions.TryGetValue(scope, out var partition) || partition.Count == 0)
        {
            return SemanticSearchResult.None;
        }

        var quantized = ArrayPool<sbyte>.Shared.Rent(Dimensions);
        var bits = ArrayPool<ulong>.Shared.Rent((Dimensions + 63) / 64);
        try
        {
            var scale = Int8Vectors.Quantize(query, quantized.AsSpan(0, Dimensions));
            Int8Vectors.SignBits(query, bits.AsSpan(0, (Dimensions + 63) / 64));
            var now = _timeProvider.GetUtcNow().UtcTicks;
            return partition.Search(quantized.AsSpan(0, Dimensions), scale, bits.AsSpan(0, (Dimensions + 63) / 64), now - Ttl.Ticks, now);
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(quantized);
            ArrayPool<ulong>.Shared.Return(bits);
        }
    }

    /// <summary>Adds an entry for a unit-length vector, evicting as needed; false when the vector has the wrong size.</summary>
    public bool Add(string scope, string text, ReadOnlySpan<float> vector, string answerKey)
    {
        if (vector.Length != Dimensions)
        {
            return false;
        }

        var quantized = new sbyte[Dimensions];
        var scale = Int8Vectors.Quantize(vector, quantized);
        return AddQuantized(scope, text, answerKey, _timeProvider.GetUtcNow(), scale, quantized);
    }

    /// <summary>Adds a persisted entry (e.g. loaded from Redis); expired or malformed records are skipped.</summary>
    public bool Import(SemanticIndexRecord record)
    {
        if (record.Vector.Length != Dimensions || !float.IsFinite(record.Scale) || record.CreatedAt.UtcTicks <= _timeProvider.GetUtcNow().UtcTicks - Ttl.Ticks)
        {
            return false;
        }

        return AddQuantized(record.Scope, record.Text, record.AnswerKey, record.CreatedAt, record.Scale, record.Vector);
    }

    /// <summary>Copies out every live entry (for persistence).</summary>
    public List<SemanticIndexRecord> Export()
    {
        var expiredBefore = _timeProvider.GetUtcNow().UtcTicks - Ttl.Ticks;
        var records = new List<SemanticIndexRecord>();
        foreach (var partition in Volatile.Read(ref _partitionList))
        {
            records.AddRange(partition.Export(expiredBefore));
        }

        return records;
    }

    /// <summary>Removes every expired entry (call from a timer if lookups and adds are rare); returns how many.</summary>
    public int RemoveExpired()
    {
        var expiredBefore = _timeProvider.GetUtcNow().UtcTicks - Ttl.Ticks;
        var removed = 0;
        foreach (var partition in Volatile.Read(ref _partitionList))
        {
            var n = partition.RemoveExpired(expiredBefore, out var bytes);
            Account(-n, -bytes);
            removed += n;
            if (partition.Count == 0)
            {
                DropPartition(partition);
            }
        }

        return removed;
    }

    private bool AddQuantized(string scope, string text, string answerKey, DateTimeOffset created, float scale, sbyte[] quantized)
    {
        var payload = EntryPayload.Encode(text, answerKey);
        if (SemanticPartition.EntryBytes(Dimensions, payload.Length) > MaxBytes)
        {
            return false;
        }

        var bits = new ulong[(Dimensions + 63) / 64];
        var dequantized = ArrayPool<float>.Shared.Rent(Dimensions);
        try
        {
            for (var i = 0; i < Dimensions; i++)
            {
                dequantized[i] = quantized[i];
            }

            Int8Vectors.SignBits(dequantized.AsSpan(0, Dimensions), bits);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dequantized);
        }

        var partition = _partitions.GetOrAdd(scope, static (s, self) => self.CreatePartition(s), this);
        var expiredBefore = _timeProvider.GetUtcNow().UtcTicks - Ttl.Ticks;
        var bytes = partition.Add(quantized, scale, bits, created.UtcTicks, payload, expiredBefore, out var swept, out var sweptBytes);
        Account(1 - swept, bytes - sweptBytes);
        EvictOverLimits(expiredBefore);
        return true;
    }

    private SemanticPartition CreatePartition(string scope)
    {
        var partition = new SemanticPartition(scope, Dimensions);
        lock (_partitionListLock)
        {
            _partitionList = [.. _partitionList, partition];
        }

        return partition;
    }

    private void DropPartition(SemanticPartition partition)
    {
        // A racing add into a dropped partition is lost: a harmless miss later, never a wrong answer.
        if (_partitions.TryRemove(new KeyValuePair<string, SemanticPartition>(partition.Scope, partition)))
        {
            lock (_partitionListLock)
            {
                _partitionList = Array.FindAll(_partitionList, p => !ReferenceEquals(p, partition));
            }

            var leftover = partition.RemoveExpired(long.MaxValue, out var bytes);
            Account(-leftover, -bytes);
        }
    }

    private void EvictOverLimits(long expiredBefore)
    {
        // Bounded so that an accounting race can never spin an add forever.
        for (var attempts = 0; (Count > MaxEntries || Bytes > MaxBytes) && attempts < 1024; attempts++)
        {
            var partitions = Volatile.Read(ref _partitionList);
            if (partitions.Length == 0)
            {
                return;
            }

            // Sampled LRU: of two random scopes take the larger, then its least recently used of a few sampled entries.
            var a = partitions[Random.Shared.Next(partitions.Length)];
            var b = partitions[Random.Shared.Next(partitions.Length)];
            var victim = a.Count >= b.Count ? a : b;
            var bytes = victim.EvictOne(expiredBefore);
            if (bytes >= 0)
            {
                Account(-1, -bytes);
            }

            if (victim.Count == 0)
            {
                DropPartition(victim);
            }
        }
    }

    private void Account(long entries, long bytes)
    {
        Interlocked.Add(ref _count, entries);
        Interlocked.Add(ref _bytes, bytes);
    }
}
