
namespace AiProxy.Configuration.Validation;

/// <summary>Validates <c>AiProxy:Cache</c>, the semantic cache included.</summary>
internal sealed class CacheValidator : IConfigSectionValidator
{
    private const string Root = "$.AiProxy.Cache";

    public void Validate(ConfigValidationContext context)
    {
        if (context.Options.Cache is not { } cache)
        {
            return;
        }
        context.OneOf(CacheModeNames.Table, cache.Mode, Root + ".Mode", "cache mode");
        context.PositiveDuration(cache.Ttl, Root + ".Ttl");
        context.Positive(cache.MemoryLimitBytes, Root + ".MemoryLimitBytes");
        context.Positive(cache.MaxEntryBytes, Root + ".MaxEntryBytes");
        if (cache.Semantic is { } semantic)
        {
            Semantic(context, semantic);
        }
    }

    private static void Semantic(ConfigValidationContext context, SemanticCacheOptions semantic)
    {
        const string path = Root + ".Semantic";
        if (semantic.Threshold is { } t && (t <= 0 || t > 1))
        {
            context.Add(path + ".Threshold", $"Threshold must be in (0, 1], found {t}");
        }
        var providers = context.Options.Providers;
        if (semantic.Provider is { } p && !providers.ContainsKey(p))
        {
            context.Add(path + ".Provider", $"unknown provider '{p}'; known providers: {string.Join(", ", providers.Keys)}");
        }
        if (semantic.Embeddings is { } e && !EmbeddingsSourceNames.Table.TryParse(e, out _))
        {
            context.Add(path + ".Embeddings", $"Embeddings is {Quoted(EmbeddingsSourceNames.Table.Names)} or absent (then set Provider and Model), found '{e}'");
        }
        if ((semantic.Provider is null) != (semantic.Model is null))
        {
            context.Add(path + (semantic.Provider is null ? ".Provider" : ".Model"), "Provider and Model go together: the embedding model and the provider that serves it");
        }
        context.PositiveDuration(semantic.EmbeddingBudget, path + ".EmbeddingBudget");
        context.PositiveDuration(semantic.Ttl, path + ".Ttl");
        context.Positive(semantic.MaxTurns, path + ".MaxTurns");
        context.Positive(semantic.MaxEntries, path + ".MaxEntries");
        context.Positive(semantic.MaxBytes, path + ".MaxBytes");
        if (semantic.Margin is { } m && (m < 0 || m >= 1))
        {
            context.Add(path + ".Margin", $"Margin must be in [0, 1), found {m}");
        }
    }

    private static string Quoted(IReadOnlyList<string> names) => string.Join(" or ", names.Select(static n => $"'{n}'"));
}
