namespace AiProxy.RateLimiting;

/// <summary>
/// Estimates the tokens a request will consume before it is sent, for the TPM reservation: about one token per four
/// characters of prompt text plus the completion budget. No tokenizer package is available here, and the reservation is
/// settled to the real <c>usage</c> afterwards, so a cheap estimate is enough. The inputs come from the request's one
/// parse (<c>Pipeline.ParsedRequest</c>); this type does no JSON of its own.
/// </summary>
internal static class TokenEstimator
{
    /// <summary>The completion tokens reserved when the request sets no <c>max_tokens</c>-like field.</summary>
    public const int DefaultCompletionTokens = 256;

    /// <summary>
    /// Prompt characters / 4 (rounded up) plus pre-tokenized prompt tokens, plus the completion budget
    /// (<paramref name="maxOutputTokens"/>, else <paramref name="defaultCompletionTokens"/>) times <paramref name="n"/> (at least 1).
    /// </summary>
    public static long Estimate(long promptChars, long promptTokenIds, long? maxOutputTokens, long n, long defaultCompletionTokens)
        => ((promptChars + 3) / 4) + promptTokenIds + ((maxOutputTokens ?? defaultCompletionTokens) * Math.Max(n, 1));
}
