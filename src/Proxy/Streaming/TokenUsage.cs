using System.Text.Json;

namespace AiProxy.Streaming;

/// <summary>Token usage reported by the upstream (chat/completions/embeddings <c>usage</c>, or the Responses API's).</summary>
internal readonly record struct TokenUsage(long Prompt, long Completion, long Cached, long Total)
{
    /// <summary>
    /// Finds the <c>usage</c> object (top level, or <c>response.usage</c> in a Responses API event) in one JSON document.
    /// With one <c>usage</c> name in the document only that object is parsed; with several, the document is walked and
    /// only those two places count.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage)
    {
        usage = default;
        var at = json.IndexOf("\"usage\""u8);
        if (at < 0)
        {
            return false;
        }
        // Streams with include_usage carry "usage":null on every chunk: skip those without parsing.
        var rest = json[(at + 7)..];
        var after = rest.TrimStart(" \t\r\n:"u8);
        var another = rest.IndexOf("\"usage\""u8) >= 0;
        if (after.IsEmpty || after[0] != (byte)'{')
        {
            return another && TryReadSlow(json, out usage);
        }
        // The only "usage" name (string contents escape their quotes, so it is a property): read just its object
        // instead of walking the whole body (top level for Chat Completions, inside "response" for Responses events).
        return another ? TryReadSlow(json, out usage) : TryReadObject(after, out usage);
    }

    private static bool TryReadObject(ReadOnlySpan<byte> usageObject, out TokenUsage usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(usageObject);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && ReadUsageObject(ref reader, out usage);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadSlow(ReadOnlySpan<byte> json, out TokenUsage usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.StartObject && ReadUsageObject(ref reader, out usage);
                }
                if (reader.ValueTextEquals("response"u8))
                {
                    // Responses API events carry the usage inside the response object (response.completed).
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("usage"u8))
                        {
                            reader.Read();
                            return reader.TokenType == JsonTokenType.StartObject && ReadUsageObject(ref reader, out usage);
                        }
                        reader.Read();
                        reader.Skip();
                    }
                    continue;
                }
                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    private static bool ReadUsageObject(ref Utf8JsonReader reader, out TokenUsage usage)
    {
        long prompt = 0, completion = 0, cached = 0, total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                reader.Read();
                prompt = Number(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                completion = Number(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                total = Number(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isCached = reader.ValueTextEquals("cached_tokens"u8);
                        reader.Read();
                        if (isCached)
                        {
                            cached = Number(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        usage = new TokenUsage(prompt, completion, cached, total > 0 ? total : prompt + completion);
        return true;
    }

    private static long Number(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v) ? v : 0;
}
