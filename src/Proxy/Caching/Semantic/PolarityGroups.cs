namespace AiProxy.Caching.Semantic;

/// <summary>
/// Pairs of opposite word sets. Two prompts conflict on a pair when one uses more words of one side and the other uses
/// more of the opposite side: <c>(P_a - P_b) * (Q_a - Q_b) &lt; 0</c>. Dropping or adding a word of one side only (a
/// paraphrase "enable X" vs "turn on X") is not a conflict; swapping sides ("enable" vs "disable") is.
/// </summary>
internal sealed class PolarityGroups
{
    private readonly (HashSet<string> Positive, HashSet<string> Negative)[] _groups;

    public PolarityGroups(params (string Positive, string Negative)[] groups)
    {
        _groups = new (HashSet<string>, HashSet<string>)[groups.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            _groups[i] = (Set(groups[i].Positive), Set(groups[i].Negative));
        }

        static HashSet<string> Set(string words) => new(words.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
    }

    /// <summary>Returns true when the two texts take opposite sides of any group.</summary>
    public bool Conflict(GuardText a, GuardText b)
    {
        foreach (var (positive, negative) in _groups)
        {
            var pa = Count(a, positive);
            var pb = Count(b, positive);
            if (pa == pb)
            {
                continue;
            }

            var qa = Count(a, negative);
            var qb = Count(b, negative);
            if ((pa - pb) * (qa - qb) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int Count(GuardText text, HashSet<string> words)
    {
        var n = 0;
        foreach (var token in text.Tokens)
        {
            if (words.Contains(token.Lower))
            {
                n++;
            }
        }

        return n;
    }
}
