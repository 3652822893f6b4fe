namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects when a name or code identifier of one prompt does not occur in the other: capitalised words that do not
/// start a sentence (Paris, Kubernetes), acronyms (AWS, SQL), <c>camelCase</c>, <c>snake_case</c>,
/// <c>dotted.identifiers</c>, file names and paths, <c>--flags</c>, and <c>`code`</c> or quoted strings. The other
/// prompt may mention it in any case and position ("python" matches "Python"), so reordering is no conflict.
/// Title-cased prompts ("How To Reset My Password") contribute no capitalised-word names.
/// </summary>
internal sealed class EntityGuard : ISemanticGuard
{
    private static readonly HashSet<string> NotNames = new(
        ["I", "I'm", "I've", "I'd", "I'll", "OK", "Ok", "Hi", "Hello", "Hey", "Thanks", "Please", "AM", "PM", "A", "An", "The", "A.", "Q", "Is", "Are", "Can", "Do", "Does", "What", "How", "Why", "When", "Where", "Which", "Who"],
        StringComparer.Ordinal);

    public string Reason => SemanticReasons.Entities;

    public bool Rejects(GuardText query, GuardText candidate) => Missing(query, candidate) || Missing(candidate, query);

    /// <summary>Returns the entities and identifiers of a text, lower-cased.</summary>
    internal static List<string> Entities(GuardText text)
    {
        var entities = new List<string>();
        var titleCase = IsTitleCase(text);
        var shouting = IsShouting(text);
        foreach (var token in text.Tokens)
        {
            var raw = token.Text;
            if (NotNames.Contains(raw))
            {
                continue;
            }

            if (IsIdentifier(raw) || (!shouting && IsAcronym(raw)) || (!titleCase && !token.SentenceInitial && IsCapitalised(raw)))
            {
                entities.Add(token.Lower);
            }
        }

        return entities;
    }

    private static bool Missing(GuardText from, GuardText other)
    {
        foreach (var entity in Entities(from))
        {
            if (!other.Words.Contains(entity) && !ContainsSquashed(other, entity))
            {
                return true;
            }
        }

        foreach (var quoted in from.Quoted)
        {
            if (quoted.Length > 0 && !other.Lower.Contains(quoted, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"NodeJS" vs "Node.js", "Post-greSQL" vs "postgresql": compare with the punctuation squeezed out.</summary>
    private static bool ContainsSquashed(GuardText other, string entity)
    {
        var squashed = Squash(entity);
        if (squashed.Length < 2)
        {
            return false;
        }

        foreach (var word in other.Words)
        {
            if (Squash(word) == squashed)
            {
                return true;
            }
        }

        return false;
    }

    private static string Squash(string word)
    {
        Span<char> buffer = word.Length <= 128 ? stackalloc char[word.Length] : new char[word.Length];
        var n = 0;
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = c;
            }
        }

        return new string(buffer[..n]);
    }

    private static bool IsIdentifier(string raw)
    {
        if (raw.Length < 2)
        {
            return false;
        }

        if (raw[0] is '-' or '.' or '/' or '~')
        {
            return true; // --flag, .env, /etc/hosts, ~/bin
        }

        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c is '_' or '/' or '\\' or '@' or '#' or '+')
            {
                return true;
            }

            // dotted.identifier or file.ext, but not "e.g" or a number like 3.11
            if (c == '.' && i > 0 && i + 1 < raw.Length && char.IsLetter(raw[i + 1]) && char.IsLetter(raw[i - 1]) && raw.Length > 3)
            {
                return true;
            }

            if (char.IsUpper(c) && i > 0 && char.IsLower(raw[i - 1]))
            {
                return true; // camelCase, PascalCase with an inner capital (JavaScript, GitHub), not "big-O"
            }
        }

        return false;
    }

    private static bool IsAcronym(string raw)
    {
        if (raw.Length < 2)
        {
            return false;
        }

        var upper = 0;
        foreach (var c in raw)
        {
            if (char.IsUpper(c))
            {
                upper++;
            }
            else if (char.IsLower(c))
            {
                return false;
            }
        }

        return upper >= 2;
    }

    private static bool IsCapitalised(string raw) => raw.Length > 1 && char.IsUpper(raw[0]) && char.IsLetter(raw[1]);

    /// <summary>An all-caps prompt has no acronyms to tell apart.</summary>
    private static bool IsShouting(GuardText text)
    {
        var upper = 0;
        var letters = 0;
        foreach (var c in text.Text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c))
                {
                    upper++;
                }
            }
        }

        return letters >= 8 && upper * 10 >= letters * 7;
    }

    private static bool IsTitleCase(GuardText text)
    {
        var words = 0;
        var capitalised = 0;
        foreach (var token in text.Tokens)
        {
            if (token.Text.Length > 3 && char.IsLetter(token.Text[0]))
            {
                words++;
                if (char.IsUpper(token.Text[0]))
                {
                    capitalised++;
                }
            }
        }

        return words >= 3 && capitalised * 4 >= words * 3;
    }
}
