
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
        Embeddings(context, semantic, path);
        LocalPrecision(context, semantic, path);
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

    private static void Embeddings(ConfigValidationContext context, SemanticCacheOptions semantic, string path)
    {
        var flattened = semantic.Provider is not null || semantic.Model is not null;
        switch (semantic.Embeddings)
        {
            case { Name: { } name } when !EmbeddingsSourceNames.Table.TryParse(name, out _):
                context.Add(path + ".Embeddings", $"Embeddings is {Quoted(EmbeddingsSourceNames.Table.Names)} or an object {{ \"Provider\", \"Model\" }}");
                break;
            case { } when flattened:
                context.Add(path + (semantic.Provider is null ? ".Model" : ".Provider"), "Provider and Model beside Embeddings are the older spelling of Embeddings: { \"Provider\", \"Model\" }: give only Embeddings");
                break;
            case { Name: null } upstream:
                Upstream(context, path + ".Embeddings", upstream.Provider, upstream.Model, required: true);
                break;
            case null when flattened:
                Upstream(context, path, semantic.Provider, semantic.Model, required: false);
                break;
        }
    }

    private static void LocalPrecision(ConfigValidationContext context, SemanticCacheOptions semantic, string path)
    {
        context.OneOf(LocalEmbeddingPrecisionNames.Table, semantic.LocalPrecision, path + ".LocalPrecision", "local embedding precision");
        var upstream = semantic.Embeddings is { Name: null } || semantic.Provider is not null || semantic.Model is not null;
        if (semantic.LocalPrecision is not null && upstream)
        {
            context.Add(path + ".LocalPrecision", "LocalPrecision applies to \"Embeddings\": \"local\" only; an upstream embedding model has its own precision");
        }
    }

    private static void Upstream(ConfigValidationContext context, string path, string? provider, string? model, bool required)
    {
        var providers = context.Options.Providers;
        if (provider is { } p && !providers.ContainsKey(p))
        {
            context.Add(path + ".Provider", ConfigMessages.UnknownProvider(providers.Keys));
        }
        if (string.IsNullOrEmpty(provider) || string.IsNullOrEmpty(model))
        {
            var missing = string.IsNullOrEmpty(provider) ? ".Provider" : ".Model";
            if (required || provider is not null || model is not null)
            {
                context.Add(path + missing, "Provider and Model go together: the embedding model and the provider that serves it");
            }
        }
    }

    private static string Quoted(IReadOnlyList<string> names) => string.Join(" or ", names.Select(static n => $"'{n}'"));
}
