namespace AiProxy.Configuration;

/// <summary>Response cache settings.</summary>
public sealed class CacheOptions
{
    /// <summary>Gets or sets deterministic (temperature 0 or seed set), always or off.</summary>
    /// <value>Defaults to <c>deterministic</c>.</value>
    public string? Mode { get; set; }

    /// <summary>Gets or sets the entry lifetime (hh:mm:ss).</summary>
    /// <value>Defaults to one hour.</value>
    public string? Ttl { get; set; }

    /// <summary>Gets or sets the in-memory cache bound in bytes.</summary>
    public long? MemoryLimitBytes { get; set; }

    /// <summary>Gets or sets the largest response stored, in bytes.</summary>
    public long? MaxEntryBytes { get; set; }

    /// <summary>Gets or sets a value indicating whether answers served from the cache count against the client's token limit.</summary>
    /// <value>Defaults to false: a cached answer costs no upstream tokens, so it costs the client none either.</value>
    public bool? CountHitTokens { get; set; }

    /// <summary>Gets or sets the semantic cache settings.</summary>
    public SemanticCacheOptions? Semantic { get; set; }
}

/// <summary>Semantic (embedding similarity) cache settings.</summary>
public sealed class SemanticCacheOptions
{
    /// <summary>Gets or sets a value indicating whether the semantic cache is used.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Gets or sets the cosine similarity needed for a hit (the guards must also pass).</summary>
    /// <value>Defaults to 0.88, the value the evaluation set picked.</value>
    public double? Threshold { get; set; }

    /// <summary>Gets or sets the embedder: <c>"local"</c> (the default) or <c>{ "Provider": "openai", "Model": "text-embedding-3-small" }</c>.</summary>
    public SemanticEmbeddingsOptions? Embeddings { get; set; }

    /// <summary>Gets or sets how the local embedder computes: <c>int8</c> (weights quantised at load) or <c>fp32</c> (the model as shipped).</summary>
    /// <value>Defaults to <c>int8</c>. Only with <c>"Embeddings": "local"</c>; replicas of different precisions never share entries.</value>
    public string? LocalPrecision { get; set; }

    /// <summary>Gets or sets the provider of an upstream embedding model: the older, flattened spelling of <c>Embeddings.Provider</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets the upstream embedding model: the older, flattened spelling of <c>Embeddings.Model</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets how long a lookup may wait for its embedding before it is a plain miss.</summary>
    /// <value>Defaults to 50ms.</value>
    public string? EmbeddingBudget { get; set; }

    /// <summary>Gets or sets the most user turns a conversation may have and still be semantically cached.</summary>
    /// <value>Defaults to 3.</value>
    public int? MaxTurns { get; set; }

    /// <summary>Gets or sets the most prompts the semantic index holds.</summary>
    /// <value>Defaults to 100000.</value>
    public int? MaxEntries { get; set; }

    /// <summary>Gets or sets the most bytes the semantic index holds (vectors, prompts, keys).</summary>
    /// <value>Defaults to 64 MiB.</value>
    public long? MaxBytes { get; set; }

    /// <summary>Gets or sets how long a prompt stays in the semantic index.</summary>
    /// <value>Defaults to the cache TTL.</value>
    public string? Ttl { get; set; }

    /// <summary>Gets or sets the lead the best match needs over a different runner-up above the threshold.</summary>
    /// <value>Defaults to 0.02.</value>
    public double? Margin { get; set; }

    /// <summary>Gets or sets which guards run on top of the threshold.</summary>
    public SemanticGuardsOptions? Guards { get; set; }
}

/// <summary>
/// <c>Cache.Semantic.Embeddings</c>, written either as a name (<c>"local"</c>, converted by
/// <see cref="EmbeddingsSourceConverter"/>) or as an object naming an upstream provider and model.
/// </summary>
[System.ComponentModel.TypeConverter(typeof(EmbeddingsSourceConverter))]
public sealed class SemanticEmbeddingsOptions
{
    /// <summary>Initializes a new instance of the <see cref="SemanticEmbeddingsOptions"/> class for the object form.</summary>
    public SemanticEmbeddingsOptions()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SemanticEmbeddingsOptions"/> class for the string form.</summary>
    /// <param name="name">The embedder's name, e.g. <c>local</c>.</param>
    public SemanticEmbeddingsOptions(string name) => Name = name;

    /// <summary>Gets the name given in the string form (<c>local</c>); null in the object form.</summary>
    public string? Name { get; }

    /// <summary>Gets or sets the provider whose <c>/v1/embeddings</c> serves <see cref="Model"/> (object form).</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets the upstream embedding model (object form); the call is routed by it like a client's.</summary>
    public string? Model { get; set; }
}

/// <summary>Semantic-cache guards; each is on unless set to false.</summary>
public sealed class SemanticGuardsOptions
{
    /// <summary>Gets or sets whether negation and polarity (not, never, enable/disable, on/off…) must agree.</summary>
    public bool? Negation { get; set; }

    /// <summary>Gets or sets whether numbers, units, dates and versions must agree.</summary>
    public bool? Numbers { get; set; }

    /// <summary>Gets or sets whether named entities, code identifiers and quoted strings must agree.</summary>
    public bool? Entities { get; set; }

    /// <summary>Gets or sets whether ordering and direction (from A to B, ascending, before/after…) must agree.</summary>
    public bool? Ordering { get; set; }

    /// <summary>Gets or sets whether both prompts must be in the same language.</summary>
    public bool? Language { get; set; }

    /// <summary>Gets or sets whether the best match needs <see cref="SemanticCacheOptions.Margin"/> over the runner-up.</summary>
    public bool? Margin { get; set; }
}

/// <summary>Redis connection.</summary>
public sealed class RedisOptions
{
    /// <summary>Gets or sets the StackExchange.Redis configuration string (host:port[,options]).</summary>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets how many replicas share the limits; local fallback limits are divided by it while Redis is down.</summary>
    public int? ExpectedReplicas { get; set; }

    /// <summary>Gets or sets the longest a response-cache lookup or store waits for Redis before it counts as a miss.</summary>
    /// <value>Defaults to 250ms. Other Redis commands (limits) time out after 1 s unless the configuration string sets asyncTimeout.</value>
    public string? OperationTimeout { get; set; }
}

/// <summary>Price of one model, for the cost metric.</summary>
public sealed class ModelPriceOptions
{
    /// <summary>Gets or sets USD per million prompt tokens.</summary>
    public double? InputPerMillion { get; set; }

    /// <summary>Gets or sets USD per million completion tokens.</summary>
    public double? OutputPerMillion { get; set; }

    /// <summary>Gets or sets USD per million cached prompt tokens.</summary>
    public double? CachedInputPerMillion { get; set; }
}
