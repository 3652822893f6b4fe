namespace AiProxy.Configuration;

/// <summary>Where the semantic cache gets its embeddings when <c>Cache.Semantic.Embeddings</c> is set (absent: a provider and model).</summary>
internal enum EmbeddingsSource
{
    /// <summary>The built-in embedder.</summary>
    Local,
}
