using Microsoft.Extensions.Caching.Distributed;

namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>An L2 whose every call hangs forever, like a Redis that accepted the connection and stopped answering.</summary>
internal sealed class HangingDistributedCache : IDistributedCache
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public byte[]? Get(string key) => throw new NotSupportedException();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Hang<byte[]?>();

    public void Refresh(string key) => throw new NotSupportedException();

    public Task RefreshAsync(string key, CancellationToken token = default) => Hang<bool>();

    public void Remove(string key) => throw new NotSupportedException();

    public Task RemoveAsync(string key, CancellationToken token = default) => Hang<bool>();

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => Hang<bool>();

    private Task<T> Hang<T>()
    {
        Interlocked.Increment(ref _calls);
        return new TaskCompletionSource<T>().Task;
    }
}
