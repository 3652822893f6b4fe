using AiProxy.Configuration;

namespace AiProxy.Caching.Semantic;

/// <summary>Applies the defaults to a validated <c>Cache.Semantic</c> section.</summary>
internal static class SemanticCacheSettingsFactory
{
    public static SemanticCacheSettings Create(SemanticCacheOptions options, string? cacheTtl)
    {
        var settings = new SemanticCacheSettings { Enabled = options.Enabled == true };
        if (options.Threshold is { } threshold) settings.Threshold = threshold;
        // The object form, or the older flattened Provider + Model; "local" (or absent) keeps the default.
        var (provider, model) = options.Embeddings is { Name: null } upstream ? (upstream.Provider, upstream.Model) : (options.Provider, options.Model);
        if (provider is { Length: > 0 })
        {
            settings.Embeddings = provider;
            settings.Model = model;
        }
        settings.LocalPrecision = LocalEmbeddingPrecisionNames.Table.Parse(options.LocalPrecision, LocalEmbeddingPrecision.Int8);
        if (Duration.TryParse(options.EmbeddingBudget, out var budget) && budget > TimeSpan.Zero) settings.EmbeddingBudget = budget;
        if (options.MaxTurns is { } turns) settings.MaxTurns = turns;
        if (options.MaxEntries is { } entries) settings.MaxEntries = entries;
        if (options.MaxBytes is { } bytes) settings.MaxBytes = bytes;
        if (Duration.TryParse(options.Ttl ?? cacheTtl, out var ttl) && ttl > TimeSpan.Zero) settings.Ttl = ttl;
        if (options.Margin is { } margin) settings.Margin = margin;
        if (options.Guards is { } guards)
        {
            settings.Guards.Negation = guards.Negation ?? true;
            settings.Guards.Numbers = guards.Numbers ?? true;
            settings.Guards.Entities = guards.Entities ?? true;
            settings.Guards.Ordering = guards.Ordering ?? true;
            settings.Guards.Language = guards.Language ?? true;
            settings.Guards.Margin = guards.Margin ?? true;
        }
        return settings;
    }
}
