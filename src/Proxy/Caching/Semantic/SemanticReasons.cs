namespace AiProxy.Caching.Semantic;

/// <summary>
/// Every reason a request is not semantically cached or a lookup misses, declared once: metric tags, logs,
/// the evaluation report and the docs use these names.
/// </summary>
internal static class SemanticReasons
{
    // The request is not eligible (the scope key refuses it).
    public const string InvalidBody = "invalid_body";
    public const string UnsupportedEndpoint = "unsupported_endpoint";
    public const string Tools = "tools";
    public const string NonTextContent = "non_text_content";
    public const string TooManyTurns = "too_many_turns";
    public const string NoFinalUserTurn = "no_final_user_turn";
    public const string ServerSideState = "server_side_state";
    public const string MultiplePrompts = "multiple_prompts";

    // The lookup ran and missed.
    public const string Disabled = "disabled";
    public const string EmbeddingTimeout = "embedding_timeout";
    public const string EmbeddingFailed = "embedding_failed";
    public const string EmbeddingDimensions = "embedding_dimensions";
    public const string Empty = "empty";
    public const string BelowThreshold = "below_threshold";

    // Guards: a candidate above the threshold was rejected.
    public const string Negation = "negation";
    public const string Numbers = "numbers";
    public const string Entities = "entities";
    public const string Ordering = "ordering";
    public const string Language = "language";
    public const string Margin = "margin";
}
