namespace AiProxy.Configuration;

/// <summary>Maps model names (globs) to providers.</summary>
public sealed class RouteOptions
{
    /// <summary>Gets or sets an optional name used in logs and metrics; defaults to <c>route{index}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the model globs (<c>*</c> and <c>?</c>, case-insensitive).</summary>
    public List<string>? Models { get; set; }

    /// <summary>Gets or sets the providers, in order.</summary>
    public List<string>? Providers { get; set; }

    /// <summary>Gets or sets how providers share load: fallback (in order), weighted or least-latency.</summary>
    /// <value>Defaults to <c>fallback</c>.</value>
    public string? Balance { get; set; }

    /// <summary>Gets or sets the model name sent upstream instead of the client's.</summary>
    public string? RewriteModel { get; set; }

    /// <summary>Gets or sets a value indicating whether non-model <c>/v1/*</c> paths go to this route's first provider.</summary>
    public bool? Default { get; set; }

    /// <summary>Gets or sets cache settings for this route (override the global ones).</summary>
    public RouteCacheOptions? Cache { get; set; }
}

/// <summary>Per-route cache overrides.</summary>
public sealed class RouteCacheOptions
{
    /// <summary>Gets or sets deterministic, always or off.</summary>
    public string? Mode { get; set; }

    /// <summary>Gets or sets the entry lifetime (hh:mm:ss).</summary>
    public string? Ttl { get; set; }

    /// <summary>Gets or sets a value indicating whether entries are shared by all clients instead of scoped per client.</summary>
    public bool? Shared { get; set; }
}
