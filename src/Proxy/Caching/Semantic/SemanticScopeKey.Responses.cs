using System.Security.Cryptography;
using System.Text.Json;

namespace AiProxy.Caching.Semantic;

internal static partial class SemanticScopeKey
{
    private static bool TryAppendResponses(IncrementalHash hash, JsonElement root, int maxTurns, out string? finalTurn, out string refusal)
    {
        finalTurn = null;
        if (!root.TryGetProperty("input"u8, out var input))
        {
            refusal = SemanticReasons.NoFinalUserTurn;
            return false;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            finalTurn = input.GetString();
            refusal = "";
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            refusal = SemanticReasons.InvalidBody;
            return false;
        }

        return TryAppendTurns(hash, input, maxTurns, chat: false, out finalTurn, out refusal);
    }

    /// <summary>Why a responses input item makes the request ineligible (anything but a message), or null.</summary>
    private static string? ResponsesItemRefusal(JsonElement item)
    {
        var type = item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "message";
        if (type == "message")
        {
            return null;
        }

        // function_call, function_call_output, reasoning, item_reference, images, files…
        return type.Contains("call", StringComparison.Ordinal) ? SemanticReasons.Tools : type == "item_reference" ? SemanticReasons.ServerSideState : SemanticReasons.NonTextContent;
    }
}
