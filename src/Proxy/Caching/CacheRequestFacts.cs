namespace AiProxy.Caching;

/// <summary>What the key walk learned about a request besides its key: the fields the cacheability rules and the replay need.</summary>
internal struct CacheRequestFacts
{
    /// <summary>Gets or sets the <c>temperature</c> (null when absent or not a number).</summary>
    public double? Temperature { get; set; }

    /// <summary>Gets or sets a value indicating whether a non-null <c>seed</c> was sent.</summary>
    public bool HasSeed { get; set; }

    /// <summary>Gets or sets <c>n</c> (1 when absent).</summary>
    public long N { get; set; }

    /// <summary>Gets or sets a value indicating whether the client asked for <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; set; }
}
