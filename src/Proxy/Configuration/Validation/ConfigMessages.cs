using AiProxy.Transforms.Configuration;

namespace AiProxy.Configuration.Validation;

/// <summary>
/// The wording shared by every config message, and the one rule they all follow. A message names the setting by its
/// JSON path, says what is wrong and what form is expected, and never repeats a value from the config: any string a
/// user typed may be an API key pasted into the wrong field, and these messages reach the <c>validate</c> output, the
/// start-up error, the hot-reload log and exception texts. Besides the path a message may only show numbers the binder
/// already parsed (<c>found -1</c>), the names of a closed set (<c>one of: fallback, weighted, least-latency</c>),
/// names that are keys of the config itself (provider names under <c>AiProxy:Providers</c>, which the paths show
/// anyway) and positions (<c>Routes[0]</c>, line and byte of a JSON syntax error). Exception messages from parsers
/// and the binder are never passed on, since they can quote the text they failed on.
/// </summary>
internal static class ConfigMessages
{
    /// <summary>Examples of the duration forms <see cref="Duration"/> reads.</summary>
    public const string DurationExamples = "01:00:00, 30m or 3600s";

    public static string PositiveDuration(string examples = DurationExamples)
        => $"must be a positive duration such as {examples}";

    /// <summary>A closed-set setting whose value is not in the set.</summary>
    public static string UnknownName<TEnum>(string what, NameTable<TEnum> table)
        where TEnum : struct, Enum
        => $"unknown {what}; one of: {table.OneOf}";

    /// <summary>A reference to a provider that is not a key of <c>AiProxy:Providers</c>; the known names are config keys, not values.</summary>
    public static string UnknownProvider(IEnumerable<string> known)
        => $"unknown provider: not a name under AiProxy:Providers; known providers: {string.Join(", ", known)}";

    /// <summary>One of several <c>;</c>-separated addresses, by position (never by text).</summary>
    public static string Address(int index, int count) => count == 1 ? "the address" : $"address {index + 1} of {count}";

    /// <summary>The file failed to parse: where, never what (the reader's own message quotes the text at that spot).</summary>
    public static string InvalidJson(long? line, long? bytePosition)
        => line is { } l && bytePosition is { } b
            ? $"the file is not valid JSON: syntax error at line {l + 1}, byte {b + 1} (check quotes, commas and brackets there)"
            : "the file is not valid JSON";
}
