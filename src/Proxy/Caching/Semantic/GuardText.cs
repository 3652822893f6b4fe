using System.Globalization;

namespace AiProxy.Caching.Semantic;

/// <summary>
/// A prompt tokenised once for all guards. A token is a run of letters and digits that may contain
/// <c>_ . / \ - ' : ,</c> between two letters or digits, so identifiers (<c>snake_case</c>, <c>a.b.c</c>,
/// <c>/etc/hosts</c>), versions (<c>1.2.3</c>), dates (<c>2024-01-05</c>), times, <c>1,000</c> and contractions stay whole.
/// Backticked and quoted spans are kept separately.
/// </summary>
internal sealed class GuardText
{
    private GuardText(string text, List<GuardToken> tokens, List<string> quoted, HashSet<string> words)
    {
        Text = text;
        Lower = text.ToLowerInvariant();
        Tokens = tokens;
        Quoted = quoted;
        Words = words;
    }

    public string Text { get; }

    public string Lower { get; }

    public List<GuardToken> Tokens { get; }

    /// <summary>Gets the contents of <c>`code`</c>, "double" and 'single' quoted spans.</summary>
    public List<string> Quoted { get; }

    /// <summary>Gets every lower-cased token, plus the parts of tokens split at their inner punctuation.</summary>
    public HashSet<string> Words { get; }

    public static GuardText Parse(string text)
    {
        var tokens = new List<GuardToken>();
        var quoted = new List<string>();
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsWordChar(c) || (c is '-' or '.' or '/' or '~' && i + 1 < text.Length && IsWordChar(text[i + 1]) && (i == 0 || !IsWordChar(text[i - 1]))))
            {
                tokens.Add(ReadToken(text, ref i, sentenceStart));
                sentenceStart = false;
                continue;
            }

            if (c is '`' or '"' or '“' or '”' || (c == '\'' && (i == 0 || !IsWordChar(text[i - 1]))))
            {
                AddQuoted(text, i, c, quoted);
            }

            if (c is '.' or '?' or '!' or ':' or '\n' or ';' or '(' or '[' or '*' or '#' or '>' or '•')
            {
                sentenceStart = true;
            }

            i++;
        }

        return new GuardText(text, tokens, quoted, WordsOf(tokens));
    }

    /// <summary>Reads the token that starts at <paramref name="i"/> and leaves <paramref name="i"/> just after it.</summary>
    private static GuardToken ReadToken(string text, ref int i, bool sentenceStart)
    {
        var start = i;
        i++;
        while (i < text.Length)
        {
            if (IsWordChar(text[i]))
            {
                i++;
            }
            else if (IsJoiner(text[i]) && i + 1 < text.Length && IsWordChar(text[i + 1]) && (text[i] != ',' || (char.IsDigit(text[i - 1]) && char.IsDigit(text[i + 1]))))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        // "sort()" and "value." keep their identity without trailing punctuation.
        var raw = text[start..i];
        if (raw.Length > 2 && (raw.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || raw.EndsWith("’s", StringComparison.OrdinalIgnoreCase)))
        {
            raw = raw[..^2]; // Australia's → Australia
        }

        var end = i >= text.Length || text[i] is '.' or '?' or '!' or '\n' or ';';
        return new GuardToken(raw, raw.ToLowerInvariant(), sentenceStart, end);
    }

    /// <summary>Adds the span quoted by the opening character <paramref name="open"/> at <paramref name="i"/>, when it closes within 200 characters.</summary>
    private static void AddQuoted(string text, int i, char open, List<string> quoted)
    {
        var close = open switch { '“' => '”', _ => open };
        var endQuote = text.IndexOf(close, i + 1);
        if (endQuote > i + 1 && endQuote - i < 200)
        {
            quoted.Add(text[(i + 1)..endQuote].Trim().ToLowerInvariant());
        }
    }

    private static HashSet<string> WordsOf(List<GuardToken> tokens)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            words.Add(token.Lower);
            var parts = token.Lower.Split(['_', '.', '/', '\\', '-', ':', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1)
            {
                foreach (var part in parts)
                {
                    words.Add(part);
                }
            }
        }

        return words;
    }

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    private static bool IsJoiner(char c) => c is '_' or '.' or '/' or '\\' or '-' or '\'' or '’' or ':' or ',' or '@' or '#' or '+';
}
