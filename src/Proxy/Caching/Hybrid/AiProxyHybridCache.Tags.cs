using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace AiProxy.Caching.Hybrid;

/// <remarks>
/// Tag invalidation is logical: <c>RemoveByTagAsync</c> records "invalidated at T" per tag (locally and in L2) and any entry
/// created at or before T that carries the tag reads as a miss. Other replicas re-read a tag's time from L2 at most once per
/// <see cref="AiProxyHybridCacheOptions.TagRefreshInterval"/>, which bounds how long they may serve an invalidated L1 entry.
/// Times are wall-clock UTC, so replicas' clocks should be in sync to within that interval.
/// </remarks>
internal sealed partial class AiProxyHybridCache
{
    private const string WildcardTag = "*";
    private const string TagKeyPrefix = "__aiproxy_tag__:";
    private const int MaximumTagLength = 1024;

    private readonly ConcurrentDictionary<string, TagState> _tags = new(StringComparer.Ordinal);
    private readonly TagState _wildcard = new();
    private readonly long _tagRefreshTicks;

    private enum TagCheck
    {
        Valid,
        Invalid,
        NeedsRefresh,
    }

    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(tag)) return;

        var now = _time.GetUtcNow().UtcTicks;
        GetTagState(tag).Invalidate(now);
        if (tag == WildcardTag)
        {
            // Everything is invalid anyway; free the memory now rather than on the next lookups.
            _l1.Clear();
        }

        if (L2Usable())
        {
            var value = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(value, now);
            var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _options.TagInvalidationRetention };
            await RunL2Async(static (l2, s, ct) => l2.SetAsync(s.Key, s.Value, s.Options, ct), (Key: TagKeyPrefix + tag, Value: value, Options: entryOptions), "tag-set", cancellationToken).ConfigureAwait(false);
        }
    }

    private TagState GetTagState(string tag) => tag == WildcardTag ? _wildcard : _tags.GetOrAdd(tag, static _ => new TagState());

    private TagCheck CheckTags(CacheItem item)
    {
        var refreshDue = false;
        if (!IsNewerThan(_wildcard, item.CreatedUtcTicks, ref refreshDue)) return TagCheck.Invalid;
        foreach (var tag in item.Tags)
        {
            if (!IsNewerThan(GetTagState(tag), item.CreatedUtcTicks, ref refreshDue)) return TagCheck.Invalid;
        }
        return refreshDue ? TagCheck.NeedsRefresh : TagCheck.Valid;
    }

    private bool IsNewerThan(TagState state, long createdUtcTicks, ref bool refreshDue)
    {
        if (createdUtcTicks <= state.InvalidatedUtcTicks) return false;
        refreshDue |= IsRefreshDue(state);
        return true;
    }

    // Without a usable L2 the local knowledge is all there is, so nothing is ever "due".
    private bool IsRefreshDue(TagState state) => _l2 is not null && _time.GetTimestamp() >= state.NextCheckTimestamp && L2Usable();

    private async ValueTask<bool> IsValidAsync(CacheItem item, CancellationToken cancellationToken)
    {
        var check = CheckTags(item);
        if (check != TagCheck.NeedsRefresh) return check == TagCheck.Valid;

        var refreshes = new List<Task>(item.Tags.Length + 1);
        if (IsRefreshDue(_wildcard)) refreshes.Add(RefreshTag(_wildcard, WildcardTag));
        foreach (var tag in item.Tags)
        {
            var state = GetTagState(tag);
            if (IsRefreshDue(state)) refreshes.Add(RefreshTag(state, tag));
        }
        await Task.WhenAll(refreshes).WaitAsync(cancellationToken).ConfigureAwait(false);

        // A refresh always moves NextCheckTimestamp forward (even on failure), so this cannot ask again.
        return CheckTags(item) != TagCheck.Invalid;
    }

    private Task RefreshTag(TagState state, string tag)
    {
        lock (state.Gate)
        {
            if (state.Refresh is { IsCompleted: false } running) return running;
            return state.Refresh = RefreshTagCoreAsync(state, tag);
        }
    }

    private async Task RefreshTagCoreAsync(TagState state, string tag)
    {
        await Task.Yield(); // leave the caller's lock before doing I/O
        // Not tied to any one caller's token: concurrent lookups share this read, and it is bounded by the L2 timeout.
        var (bytes, _) = await ReadL2Async(TagKeyPrefix + tag, "tag-get", CancellationToken.None).ConfigureAwait(false);
        if (bytes is { Length: sizeof(long) })
        {
            state.Invalidate(BinaryPrimitives.ReadInt64LittleEndian(bytes));
        }
        state.NextCheckTimestamp = _time.GetTimestamp() + _tagRefreshTicks;
    }
}
