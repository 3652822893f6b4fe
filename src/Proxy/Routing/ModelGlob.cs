namespace AiProxy.Routing;

/// <summary>Case-insensitive glob over model names: <c>*</c> any run, <c>?</c> one character.</summary>
internal readonly struct ModelGlob
{
    private readonly string _pattern;
    private readonly bool _isLiteral;

    public ModelGlob(string pattern)
    {
        _pattern = pattern;
        _isLiteral = pattern.AsSpan().IndexOfAny('*', '?') < 0;
    }

    public string Pattern => _pattern;

    public bool IsLiteral => _isLiteral;

    public bool IsMatch(ReadOnlySpan<char> model)
        => _isLiteral ? model.Equals(_pattern, StringComparison.OrdinalIgnoreCase) : Match(_pattern, model);

    // Iterative wildcard match with single backtrack point: linear for patterns with one '*', no allocation.
    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }
}
