namespace AiProxy.Caching.Semantic;

/// <summary>The best live entry of a partition for a query, and the best score of a different stored prompt (or -1).</summary>
internal readonly record struct SemanticSearchResult(bool Found, float Score, float RunnerUp, string? Text, string? AnswerKey)
{
    public static SemanticSearchResult None => new(false, -1, -1, null, null);
}
