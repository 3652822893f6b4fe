using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiProxy.Pipeline;

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

        var count = input.GetArrayLength();
        var userTurns = 0;
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                refusal = SemanticReasons.InvalidBody;
                return false;
            }

            var type = item.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "message";
            if (type != "message")
            {
                // function_call, function_call_output, reasoning, item_reference, images, files…
                refusal = type.Contains("call", StringComparison.Ordinal) ? SemanticReasons.Tools : type == "item_reference" ? SemanticReasons.ServerSideState : SemanticReasons.NonTextContent;
                return false;
            }

            var role = item.TryGetProperty("role"u8, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
            if (role == "user" && ++userTurns > maxTurns)
            {
                refusal = SemanticReasons.TooManyTurns;
                return false;
            }

            if (!TryReadText(item.TryGetProperty("content"u8, out var c) ? c : default, role == "assistant" ? "output_text" : "input_text", out var text))
            {
                refusal = SemanticReasons.NonTextContent;
                return false;
            }

            if (++index == count)
            {
                if (role != "user")
                {
                    refusal = SemanticReasons.NoFinalUserTurn;
                    return false;
                }

                finalTurn = text;
                break;
            }

            AppendString(hash, role);
            AppendString(hash, text);
        }

        refusal = "";
        return true;
    }
}
