using System.Security.Cryptography;
using System.Text.Json;

namespace AiProxy.Caching.Semantic;

internal static partial class SemanticScopeKey
{
    private static bool TryAppendChat(IncrementalHash hash, JsonElement root, int maxTurns, out string? finalTurn, out string refusal)
    {
        if (!root.TryGetProperty("messages"u8, out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            finalTurn = null;
            refusal = SemanticReasons.NoFinalUserTurn;
            return false;
        }

        return TryAppendTurns(hash, messages, maxTurns, chat: true, out finalTurn, out refusal);
    }

    /// <summary>Why a chat message makes the request ineligible (tool traffic, audio), or null.</summary>
    private static string? ChatTurnRefusal(JsonElement message, string role)
    {
        if (role is "tool" or "function" || IsPresent(message, "tool_calls"u8) || IsPresent(message, "function_call"u8) || IsPresent(message, "tool_call_id"u8))
        {
            return SemanticReasons.Tools;
        }

        return IsPresent(message, "audio"u8) ? SemanticReasons.NonTextContent : null;
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
