namespace AiProxy.Caching.Semantic;

/// <summary>What one request's semantic lookup found: its scope and final turn (when eligible) and the lookup result.</summary>
internal readonly record struct SemanticProbe(SemanticRequest Request, SemanticLookupResult Result, bool Eligible)
{
    /// <summary>A request the semantic layer does not handle (disabled, or refused by the scope key).</summary>
    public static readonly SemanticProbe None = new(default, SemanticLookupResult.Miss(SemanticReasons.Disabled), false);
}
