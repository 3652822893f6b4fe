using System.Security.Cryptography;
using System.Text.Json;

namespace AiProxy.Caching.Semantic;

internal static partial class SemanticScopeKey
{
    /// <summary>
    /// Walks a conversation (chat <c>messages</c> or responses <c>input</c> items): every turn but the last is hashed
    /// (role, the name for chat, text); the last must be a user turn and becomes <paramref name="finalTurn"/>.
    /// </summary>
    private static bool TryAppendTurns(IncrementalHash hash, JsonElement turns, int maxTurns, bool chat, out string? finalTurn, out string refusal)
    {
        finalTurn = null;
        var count = turns.GetArrayLength();
        var userTurns = 0;
        var index = 0;
        foreach (var turn in turns.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object)
            {
                refusal = SemanticReasons.InvalidBody;
                return false;
            }

            var role = turn.TryGetProperty("role"u8, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            if ((chat ? ChatTurnRefusal(turn, role) : ResponsesItemRefusal(turn)) is { } kindRefusal)
            {
                refusal = kindRefusal;
                return false;
            }

            if (role == "user" && ++userTurns > maxTurns)
            {
                refusal = SemanticReasons.TooManyTurns;
                return false;
            }

            var textPartType = chat ? "text" : role == "assistant" ? "output_text" : "input_text";
            if (!TryReadText(turn.TryGetProperty("content"u8, out var c) ? c : default, textPartType, out var text))
            {
                refusal = SemanticReasons.NonTextContent;
                return false;
            }

            if (++index == count)
            {
                // A named final chat turn is not the plain user question the cache answers.
                if (role != "user" || (chat && IsPresent(turn, "name"u8)))
                {
                    refusal = SemanticReasons.NoFinalUserTurn;
                    return false;
                }

                finalTurn = text;
                break;
            }

            AppendString(hash, role);
            if (chat)
            {
                AppendString(hash, turn.TryGetProperty("name"u8, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "");
            }

            AppendString(hash, text);
        }

        refusal = "";
        return true;
    }
}
