using System.Text;
using System.Text.Json;

namespace AiProxy.Pipeline;

/// <summary>
/// The one <see cref="Utf8JsonReader"/> pass over a model-routed body: validates the JSON (strictly: no comments, no
/// trailing commas, nothing after the object) and collects every top-level fact the request path needs into a
/// <see cref="ParsedRequest"/>.
/// </summary>
internal static class RequestBodyParser
{
    public enum Result
    {
        Ok,
        InvalidJson,
        MissingModel,
    }

    private enum Field
    {
        Other,
        Model,
        Stream,
        StreamOptions,
        Prompt,
        MaxTokens,
        N,
        Temperature,
        Seed,
    }

    // The longest name we look for is max_completion_tokens (21 bytes); an escape spells one byte in at most 6.
    private const int MaxEscapedNameLength = 21 * 6;

    /// <summary>
    /// Parses <paramref name="body"/>. <paramref name="request"/> is always set: on <see cref="Result.InvalidJson"/> it
    /// holds what was read before the error (nothing on the request path uses it then).
    /// </summary>
    public static Result Parse(ReadOnlyMemory<byte> body, AiOperation operation, out ParsedRequest request)
    {
        var facts = new Facts { N = 1 };
        var result = Read(body.Span, ref facts);
        request = new ParsedRequest
        {
            Body = body,
            Operation = operation,
            Model = facts.Model ?? "",
            ModelTokenStart = facts.ModelTokenStart,
            ModelTokenLength = facts.ModelTokenLength,
            BodyObjectStart = facts.BodyObjectStart,
            Stream = facts.Stream,
            HasStreamOptions = facts.HasStreamOptions,
            IncludeUsage = facts.IncludeUsage,
            Temperature = facts.Temperature,
            HasSeed = facts.HasSeed,
            N = facts.N,
            MaxOutputTokens = facts.MaxOutputTokens,
            PromptChars = facts.PromptChars,
            PromptTokenIds = facts.PromptTokenIds,
        };
        return result == Result.Ok && request.Model.Length == 0 ? Result.MissingModel : result;
    }

    // Longer than 60 lines on purpose: it is the parser, one loop that dispatches every top-level member over one reader;
    // split up, each piece would take the reader and the facts by ref and the dispatch would be harder to follow.
    private static Result Read(ReadOnlySpan<byte> body, ref Facts facts)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Result.InvalidJson;
            }
            facts.BodyObjectStart = (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Classify(ref reader);
                reader.Read();
                switch (field)
                {
                    case Field.Model:
                        // A later non-string model does not undo an earlier string one (the upstream rejects such a body).
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            facts.ModelTokenStart = (int)reader.TokenStartIndex;
                            facts.ModelTokenLength = reader.ValueSpan.Length + 2;
                            facts.Model = reader.GetString();
                        }
                        break;
                    case Field.Stream:
                        facts.Stream = reader.TokenType == JsonTokenType.True;
                        break;
                    case Field.StreamOptions:
                        facts.HasStreamOptions = true;
                        facts.IncludeUsage = ReadIncludeUsage(ref reader);
                        break;
                    case Field.Prompt:
                        CountPrompt(ref reader, ref facts);
                        break;
                    case Field.MaxTokens:
                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var max) && max >= 0)
                        {
                            facts.MaxOutputTokens = Math.Max(facts.MaxOutputTokens ?? 0, max);
                        }
                        break;
                    case Field.N:
                        facts.N = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : 1;
                        break;
                    case Field.Temperature:
                        facts.Temperature = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var t) ? t : null;
                        break;
                    case Field.Seed:
                        facts.HasSeed = reader.TokenType != JsonTokenType.Null;
                        break;
                }
                // Leaves the reader on the value's last token (a no-op for scalars and for values walked above).
                reader.Skip();
            }
            // Anything after the closing brace (other than whitespace) is invalid JSON.
            return reader.TokenType != JsonTokenType.EndObject || reader.Read() ? Result.InvalidJson : Result.Ok;
        }
        catch (JsonException)
        {
            return Result.InvalidJson;
        }
    }

    /// <summary>Which fact a top-level member name is for; escaped names are unescaped first (<c>"mod\u0065l"</c> is <c>model</c>).</summary>
    private static Field Classify(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Classify(reader.ValueSpan);
        }
        if (reader.ValueSpan.Length > MaxEscapedNameLength)
        {
            return Field.Other;
        }
        Span<byte> name = stackalloc byte[MaxEscapedNameLength];
        var length = reader.CopyString(name);
        return Classify(name[..length]);
    }

    private static Field Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        1 when name[0] == (byte)'n' => Field.N,
        4 when name.SequenceEqual("seed"u8) => Field.Seed,
        5 when name.SequenceEqual("model"u8) => Field.Model,
        5 when name.SequenceEqual("input"u8) => Field.Prompt,
        6 when name.SequenceEqual("stream"u8) => Field.Stream,
        6 when name.SequenceEqual("prompt"u8) => Field.Prompt,
        8 when name.SequenceEqual("messages"u8) => Field.Prompt,
        10 when name.SequenceEqual("max_tokens"u8) => Field.MaxTokens,
        11 when name.SequenceEqual("temperature"u8) => Field.Temperature,
        12 when name.SequenceEqual("instructions"u8) => Field.Prompt,
        14 when name.SequenceEqual("stream_options"u8) => Field.StreamOptions,
        17 when name.SequenceEqual("max_output_tokens"u8) => Field.MaxTokens,
        21 when name.SequenceEqual("max_completion_tokens"u8) => Field.MaxTokens,
        _ => Field.Other,
    };

    /// <summary>Walks a <c>stream_options</c> value; true when its first direct <c>include_usage</c> is <c>true</c>.</summary>
    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        var depth = reader.CurrentDepth;
        bool? includeUsage = null;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (includeUsage is null && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1
                && reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                includeUsage = reader.TokenType == JsonTokenType.True;
            }
        }
        return includeUsage == true;
    }

    /// <summary>
    /// Walks one prompt-ish value and counts strings that are prompt text: the value itself, array items, and the values of
    /// <c>content</c> / <c>text</c> properties at any depth. Roles, types, names and ids are not counted. Numbers directly in
    /// arrays are pre-tokenized input (embeddings / completions accept token-id arrays) and count one token each.
    /// </summary>
    private static void CountPrompt(ref Utf8JsonReader reader, ref Facts facts)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            facts.PromptChars += Encoding.UTF8.GetCharCount(reader.ValueSpan);
            return;
        }
        if (reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.StartObject))
        {
            return;
        }

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
                    if (!afterProperty || countedProperty)
                    {
                        facts.PromptChars += Encoding.UTF8.GetCharCount(reader.ValueSpan);
                    }
                    break;
                case JsonTokenType.Number:
                    if (!afterProperty)
                    {
                        facts.PromptTokenIds++;
                    }
                    break;
            }
            afterProperty = false;
        }
    }

    /// <summary>The facts while the reader walks (copied into the immutable <see cref="ParsedRequest"/> at the end).</summary>
    private struct Facts
    {
        public string? Model;
        public int ModelTokenStart;
        public int ModelTokenLength;
        public int BodyObjectStart;
        public bool Stream;
        public bool HasStreamOptions;
        public bool IncludeUsage;
        public double? Temperature;
        public bool HasSeed;
        public long N;
        public long? MaxOutputTokens;
        public long PromptChars;
        public long PromptTokenIds;
    }
}
