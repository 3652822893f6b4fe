using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration;

/// <summary>The config-file names of <see cref="EmbeddingsSource"/> (<c>Cache.Semantic.Embeddings</c>).</summary>
internal static class EmbeddingsSourceNames
{
    public static NameTable<EmbeddingsSource> Table { get; } = new(("local", EmbeddingsSource.Local));
}
