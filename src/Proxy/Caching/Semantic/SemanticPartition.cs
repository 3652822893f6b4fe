using System.Buffers;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// The entries of one scope as parallel arrays (int8 vectors, scales, sign bits, timestamps, payloads), guarded by a
/// reader/writer lock: lookups share the read side, adds and evictions take the write side of this scope only.
/// Removal swaps the last entry into the hole, so the arrays stay dense for the scan.
/// </summary>
internal sealed partial class SemanticPartition
{
    /// <summary>Above this many entries the scan pre-filters by Hamming distance of sign bits, then rescores in int8.</summary>
    public const int PrefilterThreshold = 8192;

    /// <summary>How many pre-filtered candidates are rescored.</summary>
    public const int RescoreCandidates = 256;

    private readonly int _dimensions;
    private readonly int _words;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    /// <summary>Vectors live in fixed blocks of <see cref="BlockEntries"/>: growing never copies them or leaves more than one block unused.</summary>
    private const int BlockShift = 10;
    private const int BlockEntries = 1 << BlockShift;

    private sbyte[][] _vectors;
    private float[] _scales;
    private ulong[] _bits;
    private long[] _created;
    private long[] _lastUsed;
    private byte[][] _payloads;
    private int _count;
    private int _sweepCursor;

    public SemanticPartition(string scope, int dimensions, int capacity = 4)
    {
        Scope = scope;
        _dimensions = dimensions;
        _words = (dimensions + 63) / 64;
        _vectors = [new sbyte[Math.Min(capacity, BlockEntries) * dimensions]];
        _scales = new float[capacity];
        _bits = new ulong[capacity * _words];
        _created = new long[capacity];
        _lastUsed = new long[capacity];
        _payloads = new byte[capacity][];
    }

    public string Scope { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes accounted for one entry with a payload of <paramref name="payloadLength"/> bytes (arrays plus object headers).</summary>
    public static long EntryBytes(int dimensions, int payloadLength) =>
        dimensions + sizeof(float) + (((dimensions + 63) / 64) * sizeof(ulong)) + (2 * sizeof(long)) + IntPtr.Size + 24 + payloadLength;

    /// <summary>Finds the best live entry; entries created at or before <paramref name="expiredBefore"/> are skipped.</summary>
    public SemanticSearchResult Search(ReadOnlySpan<sbyte> query, float queryScale, ReadOnlySpan<ulong> queryBits, long expiredBefore, long now)
    {
        _lock.EnterReadLock();
        try
        {
            var count = _count;
            if (count == 0)
            {
                return SemanticSearchResult.None;
            }

            var top = new Top3();
            if (count <= PrefilterThreshold)
            {
                for (var i = 0; i < count; i++)
                {
                    Consider(i, query, queryScale, expiredBefore, ref top);
                }
            }
            else
            {
                SearchPrefiltered(count, query, queryScale, queryBits, expiredBefore, ref top);
            }

            if (top.First < 0)
            {
                return SemanticSearchResult.None;
            }

            var best = top.First;
            Volatile.Write(ref _lastUsed[best], now);
            var payload = _payloads[best];
            var text = EntryPayload.Text(payload);
            var answerKey = EntryPayload.AnswerKey(payload);

            // The runner-up is the best of the next two that is a different prompt with a different answer (a prompt
            // stored twice is not ambiguous).
            var runnerUp = -1f;
            if (IsDistinct(top.Second, text, answerKey))
            {
                runnerUp = top.SecondScore;
            }
            else if (IsDistinct(top.Third, text, answerKey))
            {
                runnerUp = top.ThirdScore;
            }

            return new SemanticSearchResult(true, top.FirstScore, runnerUp, text, answerKey);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Adds an entry; returns the bytes accounted for it, and how many expired entries a small sweep removed (and their bytes).</summary>
    public long Add(ReadOnlySpan<sbyte> vector, float scale, ReadOnlySpan<ulong> bits, long created, byte[] payload, long expiredBefore, out int swept, out long sweptBytes)
    {
        _lock.EnterWriteLock();
        try
        {
            swept = 0;
            sweptBytes = 0;

            // Incremental TTL sweep: look at a few slots per add, so expired entries leave without a timer.
            for (var k = 0; k < 4 && _count > 0; k++)
            {
                var slot = _sweepCursor++ % _count;
                if (_created[slot] <= expiredBefore)
                {
                    sweptBytes += RemoveAtLocked(slot);
                    swept++;
                }
            }

            if (_count == _scales.Length)
            {
                Grow();
            }

            var i = _count;
            EnsureVectorSlot(i);
            vector.CopyTo(Vector(i));
            bits.CopyTo(_bits.AsSpan(i * _words, _words));
            _scales[i] = scale;
            _created[i] = created;
            _lastUsed[i] = created;
            _payloads[i] = payload;
            Volatile.Write(ref _count, i + 1);
            return EntryBytes(_dimensions, payload.Length);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }


    /// <summary>The three best slots seen so far.</summary>
    private struct Top3()
    {
        public int First = -1;
        public int Second = -1;
        public int Third = -1;
        public float FirstScore = float.MinValue;
        public float SecondScore = float.MinValue;
        public float ThirdScore = float.MinValue;

        public void Offer(int slot, float score)
        {
            if (score > FirstScore)
            {
                (Third, ThirdScore) = (Second, SecondScore);
                (Second, SecondScore) = (First, FirstScore);
                (First, FirstScore) = (slot, score);
            }
            else if (score > SecondScore)
            {
                (Third, ThirdScore) = (Second, SecondScore);
                (Second, SecondScore) = (slot, score);
            }
            else if (score > ThirdScore)
            {
                (Third, ThirdScore) = (slot, score);
            }
        }
    }

    private Span<sbyte> Vector(int slot) => _vectors[slot >> BlockShift].AsSpan((slot & (BlockEntries - 1)) * _dimensions, _dimensions);

    /// <summary>Makes room for the vector of <paramref name="slot"/>: the first block grows like the small arrays, then whole blocks are added one at a time.</summary>
    private void EnsureVectorSlot(int slot)
    {
        var block = slot >> BlockShift;
        if (block == 0)
        {
            if (_vectors[0].Length < (slot + 1) * _dimensions)
            {
                Array.Resize(ref _vectors[0], Math.Min(BlockEntries, Math.Max(slot + 1, _vectors[0].Length / _dimensions * 2)) * _dimensions);
            }

            return;
        }

        if (block >= _vectors.Length)
        {
            if (_vectors[0].Length < BlockEntries * _dimensions)
            {
                Array.Resize(ref _vectors[0], BlockEntries * _dimensions);
            }

            var grown = new sbyte[block + 1][];
            Array.Copy(_vectors, grown, _vectors.Length);
            for (var b = _vectors.Length; b <= block; b++)
            {
                grown[b] = new sbyte[BlockEntries * _dimensions];
            }

            _vectors = grown;
        }
    }

    private void Grow()
    {
        // Doubling while small, +25% when large: a 100k-entry scope wastes at most a quarter, not half, of its arrays.
        var capacity = _scales.Length < 4096 ? _scales.Length * 2 : _scales.Length + (_scales.Length / 4);
        Array.Resize(ref _bits, capacity * _words);
        Array.Resize(ref _scales, capacity);
        Array.Resize(ref _created, capacity);
        Array.Resize(ref _lastUsed, capacity);
        Array.Resize(ref _payloads, capacity);
    }
}
