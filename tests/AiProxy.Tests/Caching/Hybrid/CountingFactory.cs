namespace AiProxy.Tests.Caching.Hybrid;

/// <summary>A cache factory that counts its calls and returns "{prefix}-{call number}".</summary>
internal sealed class CountingFactory(string prefix = "value")
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<string> CreateAsync(CancellationToken cancellationToken)
        => new($"{prefix}-{Interlocked.Increment(ref _calls)}");
}
