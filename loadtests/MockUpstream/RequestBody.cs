using System.Text;
using System.Text.Json;

namespace AiProxy.MockUpstream;

/// <summary>The few request fields the mock needs, read with <see cref="Utf8JsonReader"/> in one pass.</summary>
internal sealed class RequestBody
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public bool IsJson { get; private set; }
    public string? Model { get; private set; }
    public bool Stream { get; private set; }
    public bool IncludeUsage { get; private set; }

    /// <summary>Characters of prompt text: message/input contents, <c>prompt</c>, <c>instructions</c>.</summary>
    public long TextChars { get; private set; }

    /// <summary>Byte ranges of each <c>input</c> element (embeddings), as raw JSON tokens.</summary>
    public List<Range> Inputs { get; } = [];

    public int? Dimensions { get; private set; }
    public bool Base64 { get; private set; }

    /// <summary>Prompt tokens estimated as ceil(chars / 4).</summary>
    public int PromptTokens => (int)((TextChars + 3) / 4);

    public static RequestBody Parse(ReadOnlySpan<byte> json)
    {
        var body = new RequestBody();
        if (json.IsEmpty) return body;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return body;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) body.Model = reader.GetString();
                    else reader.Skip();
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    body.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    body.ReadStreamOptions(ref reader);
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    body.ReadInput(ref reader);
                }
                else if (reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("instructions"u8))
                {
                    reader.Read();
                    body.CountText(ref reader);
                }
                else if (reader.ValueTextEquals("dimensions"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var d) && d > 0) body.Dimensions = d;
                }
                else if (reader.ValueTextEquals("encoding_format"u8))
                {
                    reader.Read();
                    body.Base64 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("base64"u8);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            body.IsJson = reader.TokenType == JsonTokenType.EndObject;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-16 once unescaped (a lone surrogate), which
            // OpenAI answers with 400 like any other unparsable body.
            body.IsJson = false;
        }
        return body;
    }

    private void ReadStreamOptions(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); return; }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isUsage) IncludeUsage = reader.TokenType == JsonTokenType.True;
            reader.Skip();
        }
    }

    /// <summary><c>input</c> is a string, an array of strings, a token array, an array of token arrays, or Responses input items.</summary>
    private void ReadInput(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var start = (int)reader.TokenStartIndex;
            CountText(ref reader);
            Inputs.Add(new Range(start, (int)reader.BytesConsumed));
            return;
        }
        var arrayStart = (int)reader.TokenStartIndex;
        var tokenArray = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number) { tokenArray = true; TextChars += 4; continue; }
            var start = (int)reader.TokenStartIndex;
            CountText(ref reader);
            Inputs.Add(new Range(start, (int)reader.BytesConsumed));
        }
        if (tokenArray)
        {
            Inputs.Clear();
            Inputs.Add(new Range(arrayStart, (int)reader.BytesConsumed));
        }
    }

    /// <summary>Adds the characters of every string under the current value that is prompt text (bare strings, <c>content</c>, <c>text</c>).</summary>
    private void CountText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                TextChars += reader.ValueIsEscaped ? reader.GetString()!.Length : Encoding.UTF8.GetCharCount(reader.ValueSpan);
                break;
            case JsonTokenType.Number:
                TextChars += 4; // a token id
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) CountText(ref reader);
                break;
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isText = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8);
                    reader.Read();
                    if (isText) CountText(ref reader);
                    else reader.Skip();
                }
                break;
        }
    }
}
