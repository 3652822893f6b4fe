using System.Globalization;

namespace AiProxy.Transforms.Keys;

public static partial class KeyErrorClassifier
{
    /// <summary>The status an in-band error stands for when it names none and nothing in it is about the key or throughput.</summary>
    public const int InBandDefaultStatus = 502;

    // Throughput errors named without a status: OpenAI's 429 types and code, Anthropic's rate_limit_error.
    private static readonly string[] ThrottleNames = ["rate_limit_exceeded", "rate_limit_error", "requests", "tokens"];

    // Anthropic-style names of a rejected key (the KeyCodes above cover OpenAI's and Azure's).
    private static readonly string[] AuthenticationNames = ["authentication_error", "unauthorized"];

    private static readonly string[] PermissionNames = ["permission_error", "permission_denied", "forbidden"];

    /// <summary>
    /// Returns the HTTP status that an in-band error event stands for: the <c>data:</c> JSON of a stream's first event such
    /// as <c>{"error":{"code":429,…}}</c> (OpenRouter sends the status as the code) or <c>{"error":{"type":"insufficient_quota"}}</c>,
    /// so that it can go through <see cref="Classify"/> and the key is treated exactly as for that HTTP answer.
    /// </summary>
    /// <param name="data">The payload of the event's <c>data:</c> line.</param>
    /// <returns>A 4xx/5xx status; <see cref="InBandDefaultStatus"/> when the error says nothing more specific.</returns>
    public static int InBandStatus(ReadOnlySpan<byte> data)
    {
        var error = ErrorFields.Read(data, complete: true);
        if (int.TryParse(error.Code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and < 600)
        {
            return status;
        }
        if (IsQuota(error) || IsAny(error, ThrottleNames))
        {
            return 429;
        }
        if (IsAny(error, AuthenticationNames) || IsAny(error, KeyCodes))
        {
            return 401;
        }
        if (IsKeyRejection(error) || IsAny(error, PermissionNames))
        {
            // Classify(403, …) tells a key that no longer works from a request the key may not make.
            return 403;
        }
        return InBandDefaultStatus;
    }

    private static bool IsAny(in ErrorFields error, string[] names)
    {
        foreach (var name in names)
        {
            if (Is(error.Code, name) || Is(error.Type, name))
            {
                return true;
            }
        }

        return false;
    }
}
