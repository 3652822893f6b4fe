using System.Buffers;

namespace AiProxy.Caching.Semantic;

internal sealed partial class SemanticPartition
{
    /// <summary>Samples a few entries and removes the least recently used (expired ones first); returns its bytes, or -1 when empty.</summary>
    public long EvictOne(long expiredBefore, int samples = 8)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_count == 0)
            {
                return -1;
            }

            var victim = -1;
            var oldest = long.MaxValue;
            for (var k = 0; k < samples; k++)
            {
                var slot = Random.Shared.Next(_count);
                if (_created[slot] <= expiredBefore)
                {
                    victim = slot;
                    break;
                }

                if (_lastUsed[slot] < oldest)
                {
                    oldest = _lastUsed[slot];
                    victim = slot;
                }
            }

            return RemoveAtLocked(victim);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes every expired entry; returns how many and their bytes.</summary>
    public int RemoveExpired(long expiredBefore, out long bytes)
    {
        _lock.EnterWriteLock();
        try
        {
            bytes = 0;
            var removed = 0;
            for (var i = _count - 1; i >= 0; i--)
            {
                if (_created[i] <= expiredBefore)
                {
                    bytes += RemoveAtLocked(i);
                    removed++;
                }
            }

            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Copies out the live entries for persistence.</summary>
    public List<SemanticIndexRecord> Export(long expiredBefore)
    {
        _lock.EnterReadLock();
        try
        {
            var records = new List<SemanticIndexRecord>(_count);
            for (var i = 0; i < _count; i++)
            {
                if (_created[i] > expiredBefore)
                {
                    records.Add(new SemanticIndexRecord(
                        Scope, EntryPayload.Text(_payloads[i]), EntryPayload.AnswerKey(_payloads[i]), new DateTimeOffset(_created[i], TimeSpan.Zero),
                        _scales[i], Vector(i).ToArray()));
                }
            }

            return records;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private long RemoveAtLocked(int slot)
    {
        var last = _count - 1;
        var bytes = EntryBytes(_dimensions, _payloads[slot].Length);
        if (slot != last)
        {
            Vector(last).CopyTo(Vector(slot));
            _bits.AsSpan(last * _words, _words).CopyTo(_bits.AsSpan(slot * _words, _words));
            _scales[slot] = _scales[last];
            _created[slot] = _created[last];
            _lastUsed[slot] = _lastUsed[last];
            _payloads[slot] = _payloads[last];
        }

        _payloads[last] = null!;
        Volatile.Write(ref _count, last);
        return bytes;
    }
}
