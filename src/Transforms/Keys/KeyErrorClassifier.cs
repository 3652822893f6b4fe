using System.Text;
using System.Text.Json;

namespace AiProxy.Transforms.Keys;

/// <summary>
/// Reads an upstream error answer (status plus the first few KB of its body) the way OpenAI, Azure OpenAI and OpenRouter
/// send them, and says whether it is about the key (disable it, or take it out for a quota cooldown) or about the request.
/// </summary>
public static partial class KeyErrorClassifier
{
    /// <summary>The most body bytes worth reading to classify an answer; error bodies are far smaller.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    // Codes and types that name the key itself (OpenAI invalid_api_key / account_deactivated, Azure AuthenticationTypeDisabled).
    private static readonly string[] KeyCodes = ["invalid_api_key", "account_deactivated", "api_key_revoked", "api_key_disabled", "authenticationtypedisabled", "401"];

    // A key-related message names the key (or the account behind it) and says it no longer works.
    private static readonly string[] KeyNouns = ["api key", "api-key", "apikey", "api_key", "subscription key", "access key", "key is ", "key has ", "key was ", "account"];
    private static readonly string[] KeyVerdicts = ["invalid", "incorrect", "revoked", "deactivated", "disabled", "expired", "suspended", "deleted"];

    /// <summary>Returns whether a status needs its body read to be classified (403 and 429).</summary>
    public static bool NeedsBody(int status) => status is 403 or 429;

    /// <summary>Classifies an upstream answer from its status and (for 402/403/429) the start of its body.</summary>
    /// <param name="status">The upstream status code.</param>
    /// <param name="body">The first bytes of the body (up to <see cref="MaxBodyBytes"/>); may be empty or cut short.</param>
    /// <param name="complete">Whether <paramref name="body"/> is the whole body.</param>
    public static KeyErrorKind Classify(int status, ReadOnlySpan<byte> body, bool complete = true)
    {
        switch (status)
        {
            case 401:
                return KeyErrorKind.KeyRejected;
            case 402:
                // OpenRouter: "your account or API key has insufficient credits".
                return KeyErrorKind.QuotaExhausted;
            case 403:
            case 429:
                break;
            default:
                return KeyErrorKind.None;
        }

        var error = ErrorFields.Read(body, complete);
        if (status == 429)
        {
            return IsQuota(error) ? KeyErrorKind.QuotaExhausted : KeyErrorKind.Throttled;
        }

        // A 403 without a word about the key is about the request: disabling a healthy key for it would take the
        // key away from every other request (the bug fixed in Bifrost PR #3491).
        return IsKeyRejection(error) ? KeyErrorKind.KeyRejected : KeyErrorKind.Forbidden;
    }

    private static bool IsQuota(in ErrorFields error)
        => Is(error.Type, "insufficient_quota") || Is(error.Code, "insufficient_quota")
           || Contains(error.Message, "exceeded your current quota") || Contains(error.Message, "insufficient credits");

    private static bool IsKeyRejection(in ErrorFields error)
    {
        foreach (var code in KeyCodes)
        {
            if (Is(error.Code, code) || Is(error.Type, code))
            {
                return true;
            }
        }

        return ContainsAny(error.Message, KeyNouns) && ContainsAny(error.Message, KeyVerdicts);
    }

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    private static bool Contains(string? text, string word) => text is not null && text.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static bool ContainsAny(string? text, string[] words)
    {
        foreach (var word in words)
        {
            if (Contains(text, word))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The <c>code</c>, <c>type</c> and <c>message</c> of an error body (<c>{"error":{…}}</c> or a bare object).</summary>
    private readonly record struct ErrorFields(string? Code, string? Type, string? Message)
    {
        public static ErrorFields Read(ReadOnlySpan<byte> body, bool complete)
        {
            string? code = null, type = null, message = null;
            var reader = new Utf8JsonReader(body, isFinalBlock: complete, state: default);
            try
            {
                // Depth 1 is the body object; depth 2 the members of "error" (or of "error" in a list, as Gemini-style
                // gateways send). Strings and numbers both count: Azure and OpenRouter send numeric codes.
                while (reader.Read())
                {
                    if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth is < 1 or > 3)
                    {
                        continue;
                    }

                    var name = reader.ValueSpan;
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
                    {
                        continue;
                    }

                    if (name.SequenceEqual("code"u8))
                    {
                        code ??= Text(ref reader);
                    }
                    else if (name.SequenceEqual("type"u8) && !(reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8)))
                    {
                        // A bare "type":"error" (Anthropic's envelope, Responses' error event) says nothing; the inner type does.
                        type ??= Text(ref reader);
                    }
                    else if (name.SequenceEqual("message"u8))
                    {
                        message ??= Text(ref reader);
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (an HTML error page, a body cut short): what was read so far is all there is.
            }

            if (message is null && code is null && type is null && body.Length > 0 && body[0] != (byte)'{')
            {
                // A plain-text error body: its words are the message.
                message = Encoding.UTF8.GetString(body);
            }

            return new ErrorFields(code, type, message);
        }

        private static string Text(ref Utf8JsonReader reader)
            => reader.TokenType == JsonTokenType.String ? reader.GetString() ?? string.Empty : Encoding.UTF8.GetString(reader.ValueSpan);
    }
}
