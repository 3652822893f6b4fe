using Microsoft.Extensions.AI;

namespace AiProxy.Tests.Caching.Semantic;

/// <summary>An embedding generator whose answers the test controls: a fixed function, or a task completed by hand.</summary>
internal sealed class FakeEmbeddingGenerator(Func<string, CancellationToken, Task<float[]>> embed) : IEmbeddingGenerator<string, Embedding<float>>
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            result.Add(new Embedding<float>(await embed(value, cancellationToken)));
        }

        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
