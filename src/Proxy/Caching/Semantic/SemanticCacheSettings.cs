using AiProxy.Configuration;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Semantic cache settings (the <c>Cache.Semantic</c> section) as the semantic cache consumes them; a superset of
/// <c>AiProxy.Configuration.SemanticCacheSettings</c>, which holds the validated config shape until the two merge.
/// </summary>
internal sealed class SemanticCacheSettings
{
    /// <summary>The threshold the evaluation set picked (see docs-semantic.md).</summary>
    public const double DefaultThreshold = 0.88;

    /// <summary>Gets or sets a value indicating whether the semantic cache is used.</summary>
    /// <value>Defaults to false: nothing of the model is loaded.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the cosine similarity a stored prompt needs to answer a new one.</summary>
    /// <value>Defaults to 0.88: the evaluation set has no false hit from 0.84 up (int8 weights, guards on; 0.85 in fp32); 0.88 keeps a margin and 88.2% paraphrase recall.</value>
    public double Threshold { get; set; } = DefaultThreshold;

    /// <summary>Gets or sets <c>local</c> (all-MiniLM-L6-v2 in process) or a provider name whose <c>/v1/embeddings</c> computes the vectors.</summary>
    /// <value>Defaults to <c>local</c>.</value>
    public string Embeddings { get; set; } = "local";

    /// <summary>Gets or sets how the local embedder computes (weights quantised to int8 at load, or the fp32 model as shipped).</summary>
    /// <value>Defaults to int8: CPU p99 of a whole lookup 5–6.5 ms against 12–13 ms in fp32, the same eval results (README, Benchmarks).</value>
    public LocalEmbeddingPrecision LocalPrecision { get; set; } = LocalEmbeddingPrecision.Int8;

    /// <summary>Gets or sets the upstream embedding model when <see cref="Embeddings"/> names a provider.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets how long a lookup may wait for its embedding; past it the request is a plain miss.</summary>
    /// <value>Defaults to 50 ms.</value>
    public TimeSpan EmbeddingBudget { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the most user turns a conversation may have and still be semantically cached.</summary>
    /// <value>Defaults to 3.</value>
    public int MaxTurns { get; set; } = 3;

    /// <summary>Gets or sets the most entries the index holds across all scopes.</summary>
    /// <value>Defaults to 100 000.</value>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Gets or sets the most bytes the index holds (vectors, prompt text, answer keys and bookkeeping).</summary>
    /// <value>Defaults to 64 MiB.</value>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets how long an entry stays in the index.</summary>
    /// <value>Defaults to one hour (the exact cache's default TTL: an entry outliving its answer is a harmless miss).</value>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the lead the best candidate needs over a different runner-up that also passes the threshold.</summary>
    /// <value>Defaults to 0.02.</value>
    public double Margin { get; set; } = 0.02;

    /// <summary>Gets or sets the guards applied on top of the threshold.</summary>
    public SemanticGuardSettings Guards { get; set; } = new();
}
