namespace AiProxy.Configuration;

/// <summary>How the local all-MiniLM-L6-v2 embedder runs its weight MatMuls (<c>Cache.Semantic.LocalPrecision</c>).</summary>
internal enum LocalEmbeddingPrecision
{
    /// <summary>Weights quantised to int8 at load: about 3× less CPU per embedding, vectors within cosine 0.99 of fp32.</summary>
    Int8,

    /// <summary>The model as shipped: exact fp32 vectors.</summary>
    Fp32,
}
