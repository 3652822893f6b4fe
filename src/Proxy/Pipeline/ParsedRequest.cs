namespace AiProxy.Pipeline;

/// <summary>
/// What the one <see cref="RequestBodyParser"/> pass found in a model-routed request's body. Immutable: routing, client
/// limits (the token estimate), the cache's rules and forwarding (model splice, <c>include_usage</c>) all read this value.
/// Every field is the top-level member's (nested members of the same name do not count); with duplicate members the last
/// one wins, except <see cref="MaxOutputTokens"/> (the largest) and the prompt counts (summed).
/// </summary>
internal sealed class ParsedRequest
{
    /// <summary>Gets the request body (pooled; valid until the request ends).</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Gets the endpoint the request is for.</summary>
    public required AiOperation Operation { get; init; }

    /// <summary>Gets the client's model name ("" when the body has no string <c>model</c>).</summary>
    public string Model { get; init; } = "";

    /// <summary>Gets the offset of the model string token (opening quote) in <see cref="Body"/>.</summary>
    public int ModelTokenStart { get; init; }

    /// <summary>Gets the length of the model string token as sent (escapes kept), quotes included.</summary>
    public int ModelTokenLength { get; init; }

    /// <summary>Gets the offset of the body's opening brace.</summary>
    public int BodyObjectStart { get; init; }

    /// <summary>Gets a value indicating whether the client asked for an SSE stream (<c>"stream":true</c>).</summary>
    public bool Stream { get; init; }

    /// <summary>Gets a value indicating whether the body has a top-level <c>stream_options</c> (of any value).</summary>
    public bool HasStreamOptions { get; init; }

    /// <summary>Gets a value indicating whether <c>stream_options.include_usage</c> is <c>true</c>.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>Gets the <c>temperature</c> (null when absent or not a number).</summary>
    public double? Temperature { get; init; }

    /// <summary>Gets a value indicating whether a non-null <c>seed</c> was sent.</summary>
    public bool HasSeed { get; init; }

    /// <summary>Gets <c>n</c> (1 when absent or not an integer).</summary>
    public long N { get; init; } = 1;

    /// <summary>Gets the largest non-negative <c>max_tokens</c> / <c>max_completion_tokens</c> / <c>max_output_tokens</c> (null when none).</summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>Gets the characters of prompt text (<c>messages</c>, <c>input</c>, <c>prompt</c>, <c>instructions</c>) for the token estimate.</summary>
    public long PromptChars { get; init; }

    /// <summary>Gets the pre-tokenized prompt tokens (numbers directly in prompt arrays, as embeddings and completions accept).</summary>
    public long PromptTokenIds { get; init; }
}
