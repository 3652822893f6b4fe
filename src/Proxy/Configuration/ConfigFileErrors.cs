using System.Text.Json;
using AiProxy.Configuration.Validation;

namespace AiProxy.Configuration;

/// <summary>
/// Turns a failure of the JSON configuration parser into one error that says where the problem is, never what text is
/// there: the parsers' own messages quote the characters, the literal or the key they failed on (see <see cref="ConfigMessages"/>).
/// </summary>
internal static class ConfigFileErrors
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ConfigError Describe(byte[] bytes, Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return new("$", ConfigMessages.InvalidJson(json.LineNumber, json.BytePositionInLine));
            }
        }

        // Valid JSON the configuration parser still refused: a top level that is not an object, or a setting given twice.
        try
        {
            using var document = JsonDocument.Parse(bytes.AsMemory(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new("$", "the file must hold a JSON object: { \"AiProxy\": { … } }");
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (FirstDuplicate(document.RootElement, null, seen) is { } duplicate)
            {
                return new(ConfigPath.ToJsonPath(duplicate), "this setting is given twice (keys are case-insensitive); keep one");
            }
        }
        catch (JsonException json)
        {
            return new("$", ConfigMessages.InvalidJson(json.LineNumber, json.BytePositionInLine));
        }
        return new("$", "the file cannot be read as configuration");
    }

    /// <summary>Flattens the document as the configuration parser does (<c>a:b:0</c>) and returns the first key seen twice.</summary>
    private static string? FirstDuplicate(JsonElement element, string? prefix, HashSet<string> seen)
    {
        if (prefix is not null && element.ValueKind is JsonValueKind.Object or JsonValueKind.Array
            && (element.ValueKind == JsonValueKind.Object ? !element.EnumerateObject().Any() : element.GetArrayLength() == 0))
        {
            // The parser stores an empty object or array as a null value without checking it, like this.
            seen.Add(prefix);
            return null;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var key = prefix is null ? property.Name : prefix + ":" + property.Name;
                    if (FirstDuplicate(property.Value, key, seen) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstDuplicate(item, prefix + ":" + index++, seen) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return prefix is null || seen.Add(prefix) ? null : prefix;
        }
    }
}
