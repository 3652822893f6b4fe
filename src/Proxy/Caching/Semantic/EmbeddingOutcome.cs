namespace AiProxy.Caching.Semantic;

/// <summary>A prompt's vector, or why there is none (<see cref="SemanticReasons.EmbeddingTimeout"/>, <see cref="SemanticReasons.EmbeddingFailed"/>).</summary>
internal readonly record struct EmbeddingOutcome(float[]? Vector, string? FailureReason)
{
    public static EmbeddingOutcome Timeout => new(null, SemanticReasons.EmbeddingTimeout);

    public static EmbeddingOutcome Failed => new(null, SemanticReasons.EmbeddingFailed);

    public bool Succeeded => Vector is not null;
}
