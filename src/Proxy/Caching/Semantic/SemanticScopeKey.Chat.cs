using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiProxy.Pipeline;

namespace AiProxy.Caching.Semantic;

internal static partial class SemanticScopeKey
{
    private static bool TryAppendChat(IncrementalHash hash, JsonElement root, int maxTurns, out string? finalTurn, out string refusal)
    {
        finalTurn = null;
        if (!root.TryGetProperty("messages"u8, out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            refusal = SemanticReasons.NoFinalUserTurn;
            return false;
        }

        var count = messages.GetArrayLength();
        var userTurns = 0;
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                refusal = SemanticReasons.InvalidBody;
                return false;
            }

            var role = message.TryGetProperty("role"u8, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            if (role is "tool" or "function" || IsPresent(message, "tool_calls"u8) || IsPresent(message, "function_call"u8) || IsPresent(message, "tool_call_id"u8))
            {
                refusal = SemanticReasons.Tools;
                return false;
            }

            if (IsPresent(message, "audio"u8))
            {
                refusal = SemanticReasons.NonTextContent;
                return false;
            }

            if (role == "user" && ++userTurns > maxTurns)
            {
                refusal = SemanticReasons.TooManyTurns;
                return false;
            }

            if (!TryReadText(message.TryGetProperty("content"u8, out var c) ? c : default, "text", out var text))
            {
                refusal = SemanticReasons.NonTextContent;
                return false;
            }

            var isLast = ++index == count;
            if (isLast)
            {
                if (role != "user" || IsPresent(message, "name"u8))
                {
                    refusal = SemanticReasons.NoFinalUserTurn;
                    return false;
                }

                finalTurn = text;
                break;
            }

            AppendString(hash, role);
            AppendString(hash, message.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "");
            AppendString(hash, text);
        }

        refusal = "";
        return true;
    }

    private static bool TryReadPrompt(JsonElement root, out string? finalTurn, out string refusal)
    {
        finalTurn = null;
        if (!root.TryGetProperty("prompt"u8, out var prompt))
        {
            refusal = SemanticReasons.NoFinalUserTurn;
            return false;
        }

        if (prompt.ValueKind == JsonValueKind.Array)
        {
            // One string in an array is the same prompt; several prompts or token arrays are not one question.
            if (prompt.GetArrayLength() != 1 || prompt[0].ValueKind != JsonValueKind.String)
            {
                refusal = SemanticReasons.MultiplePrompts;
                return false;
            }

            prompt = prompt[0];
        }

        if (prompt.ValueKind != JsonValueKind.String)
        {
            refusal = SemanticReasons.MultiplePrompts;
            return false;
        }

        finalTurn = prompt.GetString();
        refusal = "";
        return true;
    }
}
