namespace AiProxy.Caching.Semantic;

/// <summary>
/// Outcome of a semantic lookup: on a hit, the exact-cache key of the stored answer and the similarity; on a miss, the
/// <see cref="SemanticReasons"/> name. <see cref="Vector"/> is the prompt's embedding when one was computed, so the
/// caller can <see cref="SemanticCache.Add"/> the upstream answer later without embedding twice.
/// </summary>
internal readonly record struct SemanticLookupResult(bool Hit, string? AnswerKey, float Score, string Reason, float[]? Vector)
{
    public static SemanticLookupResult Miss(string reason, float score = -1, float[]? vector = null) => new(false, null, score, reason, vector);
}
