using System.Text.Json;

namespace AiProxy.Pipeline;

/// <summary>One pass of <see cref="Utf8JsonReader"/> over the body: validates the JSON and picks the top-level fields routing needs.</summary>
internal static class RequestBodyParser
{
    public enum Result
    {
        Ok,
        InvalidJson,
        MissingModel,
    }

    public static Result Parse(ReadOnlySpan<byte> body, AiRequestFeature feature)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Result.InvalidJson;
            }
            feature.BodyObjectStart = (int)reader.TokenStartIndex;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        feature.ModelTokenStart = (int)reader.TokenStartIndex;
                        feature.ModelTokenLength = reader.ValueSpan.Length + 2;
                        feature.Model = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    feature.HasStreamOptions = true;
                    reader.Read();
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    feature.Stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            // Anything after the closing brace (other than whitespace) is invalid JSON.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return Result.InvalidJson;
            }
        }
        catch (JsonException)
        {
            return Result.InvalidJson;
        }
        return string.IsNullOrEmpty(feature.Model) ? Result.MissingModel : Result.Ok;
    }
}
