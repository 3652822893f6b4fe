namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects when the prompts are in different languages, so a French question never gets an English answer: first by
/// script (Latin, Cyrillic, Greek, Arabic, Hebrew, Han, Kana, Hangul, Devanagari, Thai), then for Latin script by
/// counting stop words of English, German, French, Spanish, Italian, Portuguese and Dutch. A language is only
/// claimed with at least two stop words and twice the runner-up's count; an unknown language never rejects.
/// </summary>
internal sealed class LanguageGuard : ISemanticGuard
{
    private static readonly (string Language, HashSet<string> Words)[] StopWords =
    [
        ("en", Set("the is are how what do does i to of and can why my with for you it this that should which when where there not an be will would could")),
        ("de", Set("der die das ist und ich wie was nicht ein eine mit für zu den auf kann werden wird sie es ich mein meine warum welche wann wo im dem des sich auch oder")),
        ("fr", Set("le les est et je comment quoi pas un une des du avec pour qui dans ce sur faire mon ma mes pourquoi quel quelle quand où au aux sont peut il elle")),
        ("es", Set("el los las es y cómo como qué un una con para por del se mi puedo está hacer por qué cuál cuando dónde son al lo mis")),
        ("it", Set("il lo è e come che un una con per del della non sono posso fare mio mia perché quale quando dove gli nel alla")),
        ("pt", Set("o os é e como que um uma com para do da não em posso meu minha fazer porque qual quando onde são ao no na")),
        ("nl", Set("de het een is en hoe wat ik niet met voor van op kan mijn waarom welke wanneer waar zijn naar ook")),
    ];

    private static readonly string[] ScriptNames = ["latin", "cyrillic", "greek", "arabic", "hebrew", "han", "kana", "hangul", "devanagari", "thai"];

    public string Reason => SemanticReasons.Language;

    public bool Rejects(GuardText query, GuardText candidate)
    {
        var scriptA = Script(query.Text);
        var scriptB = Script(candidate.Text);
        if (scriptA != scriptB)
        {
            return scriptA.Length > 0 && scriptB.Length > 0;
        }

        if (scriptA != "latin")
        {
            return false;
        }

        var a = Detect(query);
        var b = Detect(candidate);
        return a is not null && b is not null && a != b;
    }

    /// <summary>Returns the dominant script of the letters, or "" when there are too few letters to say.</summary>
    internal static string Script(string text)
    {
        Span<int> counts = stackalloc int[10];
        var letters = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }

            letters++;
            var index = c switch
            {
                <= '\u024F' => 0,
                >= '\u0370' and <= '\u03FF' => 2,
                >= '\u0400' and <= '\u04FF' => 1,
                >= '\u0590' and <= '\u05FF' => 4,
                >= '\u0600' and <= '\u06FF' => 3,
                >= '\u0900' and <= '\u097F' => 8,
                >= '\u0E00' and <= '\u0E7F' => 9,
                >= '\u3040' and <= '\u30FF' => 6,
                >= '\u4E00' and <= '\u9FFF' => 5,
                >= '\uAC00' and <= '\uD7AF' => 7,
                _ => -1,
            };
            if (index >= 0)
            {
                counts[index]++;
            }
        }

        if (letters < 3)
        {
            return "";
        }

        // Japanese mixes kana and kanji: any kana makes it Japanese.
        if (counts[6] > 0)
        {
            return "kana";
        }

        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return ScriptNames[best];
    }

    /// <summary>Returns the Latin-script language by stop words, or null when unsure.</summary>
    internal static string? Detect(GuardText text)
    {
        string? best = null;
        int bestCount = 0, second = 0;
        foreach (var (language, words) in StopWords)
        {
            var n = 0;
            foreach (var token in text.Tokens)
            {
                if (words.Contains(token.Lower))
                {
                    n++;
                }
            }

            if (n > bestCount)
            {
                second = bestCount;
                bestCount = n;
                best = language;
            }
            else if (n > second)
            {
                second = n;
            }
        }

        return bestCount >= 2 && bestCount >= 2 * second ? best : null;
    }

    private static HashSet<string> Set(string words) => new(words.Split(' '), StringComparer.Ordinal);
}
