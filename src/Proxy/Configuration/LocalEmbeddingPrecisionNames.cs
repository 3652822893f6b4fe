using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration;

/// <summary>The config-file names of <see cref="LocalEmbeddingPrecision"/> (<c>Cache.Semantic.LocalPrecision</c>).</summary>
internal static class LocalEmbeddingPrecisionNames
{
    public static NameTable<LocalEmbeddingPrecision> Table { get; } = new(
        ("int8", LocalEmbeddingPrecision.Int8),
        ("fp32", LocalEmbeddingPrecision.Fp32));
}
