namespace AiProxy.Caching.Semantic;

/// <summary>One index entry as it is persisted: the quantised vector, its scale, the prompt, the exact-cache key of the answer and when it was stored.</summary>
internal sealed record SemanticIndexRecord(string Scope, string Text, string AnswerKey, DateTimeOffset CreatedAt, float Scale, sbyte[] Vector);
