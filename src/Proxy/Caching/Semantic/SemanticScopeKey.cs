using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiProxy.Pipeline;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// Splits a chat-completions, completions or responses body into a hard scope key and the final user turn, or says
/// why the request is not semantically cacheable (tools, non-text parts, too many turns, server-side state…).
/// Only runs when the semantic cache is on, so it parses with <see cref="JsonDocument"/>.
/// </summary>
internal static partial class SemanticScopeKey
{
    private const byte Version = 1;

    /// <summary>Builds the scope and final turn; false with a <see cref="SemanticReasons"/> name when the request is not eligible.</summary>
    public static bool TryCreate(
        ReadOnlySpan<byte> body, AiOperation operation, string? clientScope, string route, string upstreamModel, int maxTurns,
        out SemanticRequest request, out string refusal)
    {
        request = default;
        if (operation is not (AiOperation.ChatCompletions or AiOperation.Completions or AiOperation.Responses))
        {
            refusal = SemanticReasons.UnsupportedEndpoint;
            return false;
        }

        if (!TryParse(body, out var document))
        {
            refusal = SemanticReasons.InvalidBody;
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                refusal = SemanticReasons.InvalidBody;
                return false;
            }

            return TryHash(root, operation, clientScope, route, upstreamModel, maxTurns, out request, out refusal);
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out JsonDocument? document)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            return JsonDocument.TryParseValue(ref reader, out document) && document is not null;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }

    /// <summary>Hashes the scope (caller identity, route, model, operation, parameters, earlier turns) and reads the final user turn.</summary>
    private static bool TryHash(
        JsonElement root, AiOperation operation, string? clientScope, string route, string upstreamModel, int maxTurns,
        out SemanticRequest request, out string refusal)
    {
        request = default;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> version = [Version];
        hash.AppendData(version);
        AppendString(hash, clientScope ?? "");
        AppendString(hash, route);
        AppendString(hash, upstreamModel);
        AppendString(hash, operation.ToString());

        if (!TryAppendParameters(hash, root, operation, out refusal))
        {
            return false;
        }

        string? finalTurn;
        var ok = operation switch
        {
            AiOperation.ChatCompletions => TryAppendChat(hash, root, maxTurns, out finalTurn, out refusal),
            AiOperation.Completions => TryReadPrompt(root, out finalTurn, out refusal),
            _ => TryAppendResponses(hash, root, maxTurns, out finalTurn, out refusal),
        };
        if (!ok || string.IsNullOrWhiteSpace(finalTurn))
        {
            refusal = ok ? SemanticReasons.NoFinalUserTurn : refusal;
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        request = new SemanticRequest(Convert.ToHexStringLower(digest), finalTurn);
        refusal = "";
        return true;
    }

    /// <summary>Hashes every top-level field except the conversation itself and the fields that never change the answer, sorted by name.</summary>
    private static bool TryAppendParameters(IncrementalHash hash, JsonElement root, AiOperation operation, out string refusal)
    {
        var names = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (IsConversation(name, operation) || IsInert(name))
            {
                continue;
            }

            if (ParameterRefusal(name, property.Value) is { } parameterRefusal)
            {
                refusal = parameterRefusal;
                return false;
            }

            names.Add(name);
        }

        names.Sort(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>(256);
        foreach (var name in names)
        {
            AppendString(hash, name);
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                // Re-written compactly: whitespace differences do not split the scope; any value difference does.
                root.GetProperty(name).WriteTo(writer);
            }

            AppendBytes(hash, buffer.WrittenSpan);
        }

        refusal = "";
        return true;
    }

    /// <summary>Why a top-level field makes the request ineligible (tools, server-side state, non-text output), or null.</summary>
    private static string? ParameterRefusal(string name, JsonElement value)
    {
        if (IsToolField(name) && IsPresent(value))
        {
            return SemanticReasons.Tools;
        }

        if (name is "previous_response_id" or "conversation" && IsPresent(value))
        {
            return SemanticReasons.ServerSideState;
        }

        if (name is "audio" && IsPresent(value))
        {
            return SemanticReasons.NonTextContent;
        }

        if (name is "modalities" && value.ValueKind == JsonValueKind.Array)
        {
            foreach (var modality in value.EnumerateArray())
            {
                if (modality.ValueKind != JsonValueKind.String || !modality.ValueEquals("text"u8))
                {
                    return SemanticReasons.NonTextContent;
                }
            }
        }

        return null;
    }

    /// <summary>Reads a string content or an array of text parts (joined by newlines); false on any non-text part.</summary>
    private static bool TryReadText(JsonElement content, string textPartType, out string text)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text = content.GetString()!;
                return true;
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                text = "";
                return true;
            case JsonValueKind.Array:
                var builder = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.String)
                    {
                        Append(builder, part.GetString()!);
                        continue;
                    }

                    if (part.ValueKind != JsonValueKind.Object
                        || !part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String
                        || !(type.ValueEquals(textPartType) || type.ValueEquals("text"u8) || type.ValueEquals("input_text"u8) || type.ValueEquals("output_text"u8))
                        || !part.TryGetProperty("text"u8, out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        text = "";
                        return false;
                    }

                    Append(builder, partText.GetString()!);
                }

                text = builder.ToString();
                return true;
            default:
                text = "";
                return false;
        }

        static void Append(StringBuilder builder, string value)
        {
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }

            builder.Append(value);
        }
    }

    private static bool IsConversation(string name, AiOperation operation) => operation switch
    {
        AiOperation.ChatCompletions => name == "messages",
        AiOperation.Completions => name == "prompt",
        _ => name == "input",
    };

    private static bool IsInert(string name) => name is "stream" or "stream_options" or "user" or "metadata" or "store" or "service_tier" or "model";

    private static bool IsToolField(string name) => name is "tools" or "tool_choice" or "functions" or "function_call" or "parallel_tool_calls";

    private static bool IsPresent(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.Array => value.GetArrayLength() > 0,
        JsonValueKind.String => value.GetString() is { Length: > 0 } s && s != "none",
        _ => true,
    };

    private static bool IsPresent(JsonElement obj, ReadOnlySpan<byte> name) => obj.TryGetProperty(name, out var value) && IsPresent(value);

    private static void AppendString(IncrementalHash hash, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            AppendBytes(hash, rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Length-prefixed, so field boundaries cannot be forged by moving text between fields.</summary>
    private static void AppendBytes(IncrementalHash hash, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
