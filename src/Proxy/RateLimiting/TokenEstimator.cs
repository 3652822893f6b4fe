using System.Text;
using System.Text.Json;

namespace AiProxy.RateLimiting;

/// <summary>
/// Estimates the tokens a request will consume before it is sent, for the TPM reservation: about one token per four
/// characters of prompt text plus the completion budget. No tokenizer package is available here, and the reservation is
/// settled to the real <c>usage</c> afterwards, so a cheap estimate is enough.
/// </summary>
internal static class TokenEstimator
{
    /// <summary>The completion tokens reserved when the request sets no <c>max_tokens</c>-like field.</summary>
    public const int DefaultCompletionTokens = 256;

    /// <summary>Estimates with the default completion reservation.</summary>
    public static long Estimate(ReadOnlySpan<byte> jsonBody) => Estimate(jsonBody, DefaultCompletionTokens);

    /// <summary>
    /// Counts the text in <c>messages[].content</c> (strings and array parts' <c>text</c>), <c>input</c>, <c>prompt</c> and
    /// <c>instructions</c>, then adds <c>max_tokens</c> / <c>max_completion_tokens</c> / <c>max_output_tokens</c> (or
    /// <paramref name="defaultCompletionTokens"/>) times <c>n</c>. Malformed JSON yields what was counted so far plus the completion budget.
    /// </summary>
    public static long Estimate(ReadOnlySpan<byte> jsonBody, long defaultCompletionTokens)
    {
        long chars = 0;
        long tokenIds = 0;
        long? maxTokens = null;
        long choices = 1;
        var reader = new Utf8JsonReader(jsonBody, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return defaultCompletionTokens;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("input"u8) || reader.ValueTextEquals("prompt"u8)
                    || reader.ValueTextEquals("instructions"u8))
                {
                    reader.Read();
                    CountPrompt(ref reader, ref chars, ref tokenIds);
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8)
                    || reader.ValueTextEquals("max_output_tokens"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var max) && max >= 0)
                    {
                        maxTokens = Math.Max(maxTokens ?? 0, max);
                    }
                }
                else if (reader.ValueTextEquals("n"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n > 1) choices = n;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Malformed or truncated body: the upstream will reject it; reserve what we have.
        }
        return (chars + 3) / 4 + tokenIds + (maxTokens ?? defaultCompletionTokens) * choices;
    }

    /// <summary>
    /// Walks one prompt-ish value and counts strings that are prompt text: the value itself, array items, and the values of
    /// <c>content</c> / <c>text</c> properties at any depth. Roles, types, names and ids are not counted. Numbers directly in
    /// arrays are pre-tokenized input (embeddings / completions accept token-id arrays) and count one token each.
    /// </summary>
    private static void CountPrompt(ref Utf8JsonReader reader, ref long chars, ref long tokenIds)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            chars += CharCount(ref reader);
            return;
        }
        if (reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject)) return;

        var depth = reader.CurrentDepth;
        var afterProperty = false;
        var countedProperty = false;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    afterProperty = true;
                    countedProperty = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8);
                    continue;
                case JsonTokenType.String:
                    // A value right after a property name belongs to that property; anything else is an array item.
                    if (!afterProperty || countedProperty) chars += CharCount(ref reader);
                    break;
                case JsonTokenType.Number:
                    if (!afterProperty) tokenIds++;
                    break;
            }
            afterProperty = false;
        }
    }

    private static int CharCount(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? (int)Math.Min(int.MaxValue, reader.ValueSequence.Length) : Encoding.UTF8.GetCharCount(reader.ValueSpan);
}
