namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects reversed direction or order: the same two words on opposite sides of a connector ("convert Celsius to
/// Fahrenheit" vs "Fahrenheit to Celsius", "is Go faster than Rust" vs "is Rust faster than Go", "from A to B"), or
/// opposite ordering words (ascending/descending, before/after, first/last, min/max, oldest/newest, top/bottom,
/// up/down, next/previous, left/right…).
/// </summary>
internal sealed class OrderingGuard : ISemanticGuard
{
    private const int Window = 3;

    /// <summary>Connector word → its class: pairs only compare across the same class ("from A with B" is not "B to A").</summary>
    private static readonly Dictionary<string, string> Connectors = new(StringComparer.Ordinal)
    {
        ["to"] = "to", ["into"] = "to", ["onto"] = "to", ["towards"] = "to", ["toward"] = "to", ["->"] = "to", ["=>"] = "to",
        ["from"] = "from", ["than"] = "than", ["vs"] = "vs", ["versus"] = "vs", ["over"] = "over",
        ["before"] = "before", ["after"] = "after", ["instead"] = "instead", ["rather"] = "instead", ["then"] = "then",
    };

    private static readonly HashSet<string> StopWords = new(
        ["a", "an", "the", "i", "you", "we", "it", "is", "are", "was", "be", "do", "does", "did", "can", "could", "should", "would", "how", "what", "which", "why", "when", "where", "who",
         "my", "your", "our", "its", "their", "this", "that", "these", "those", "of", "in", "on", "at", "for", "with", "by", "and", "or", "but", "so", "if", "me", "to", "into", "from",
         "than", "vs", "versus", "over", "before", "after", "onto", "towards", "toward", "instead", "rather", "then", "get", "go", "way", "best", "easiest", "there", "any", "some", "one",
         "more", "less", "much", "many", "use", "using", "need", "want", "please", "tell", "explain", "show", "write", "make", "help", "possible", "correct", "proper", "right", "good", "better",
         "faster", "slower", "bigger", "smaller", "convert", "converting", "conversion", "translate", "translation", "move", "moving", "migrate", "migrating", "switch", "switching", "change", "changing", "transfer", "go", "going", "travel", "fly", "drive"],
        StringComparer.Ordinal);

    private static readonly PolarityGroups Groups = new(
        ("ascending asc increasing", "descending desc decreasing reverse reversed backwards"),
        ("before prior earlier preceding", "after later following subsequent"),
        ("first earliest beginning", "last latest final"),
        ("min minimum smallest lowest shortest least cheapest fewest minimal", "max maximum largest biggest highest longest most greatest priciest maximal"),
        ("older oldest old", "newer newest new recent"),
        ("top", "bottom"),
        ("left", "right"),
        ("up upward upwards above upstream", "down downward downwards below downstream"),
        ("next upcoming future", "previous past"),
        ("forward forwards", "backward"),
        ("head prefix leading", "tail suffix trailing"),
        ("upper uppercase", "lower lowercase"),
        ("inner", "outer"),
        ("inbound incoming ingress", "outbound outgoing egress"),
        ("import", "export"),
        ("source", "destination target"),
        ("parent", "child"),
        ("bigger larger greater taller heavier longer wider thicker deeper", "smaller lesser shorter lighter narrower thinner shallower"),
        ("faster quicker", "slower"),
        ("better", "worse"),
        ("richer", "poorer"),
        ("stronger", "weaker"),
        ("warmer hotter", "colder cooler"),
        ("earlier", "later"),
        ("cheaper", "pricier"));

    public string Reason => SemanticReasons.Ordering;

    public bool Rejects(GuardText query, GuardText candidate) => Reversed(query, candidate) || Groups.Conflict(query, candidate);

    private static bool Reversed(GuardText a, GuardText b)
    {
        var pairsA = DirectedPairs(a);
        if (pairsA.Count == 0)
        {
            return false;
        }

        var pairsB = DirectedPairs(b);
        foreach (var (kind, left, right) in pairsA)
        {
            if (pairsB.Contains((kind, right, left)) && !pairsB.Contains((kind, left, right)) && !pairsA.Contains((kind, right, left)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>(x, y) for content words x up to three before a connector and y up to three after it, within one sentence.</summary>
    internal static HashSet<(string Kind, string Left, string Right)> DirectedPairs(GuardText text)
    {
        var pairs = new HashSet<(string, string, string)>();
        var tokens = text.Tokens;
        for (var c = 0; c < tokens.Count; c++)
        {
            if (!Connectors.TryGetValue(tokens[c].Lower, out var kind))
            {
                continue;
            }

            var left = new List<string>(Window);
            for (var i = c - 1; i >= 0 && left.Count < Window; i--)
            {
                if (tokens[i].SentenceEnd)
                {
                    break;
                }

                if (IsContent(tokens[i].Lower))
                {
                    left.Add(tokens[i].Lower);
                }
            }

            var count = 0;
            for (var j = c + 1; j < tokens.Count && count < Window; j++)
            {
                if (IsContent(tokens[j].Lower))
                {
                    count++;
                    foreach (var l in left)
                    {
                        if (l != tokens[j].Lower)
                        {
                            pairs.Add((kind, l, tokens[j].Lower));
                        }
                    }
                }

                if (tokens[j].SentenceEnd)
                {
                    break;
                }
            }
        }

        return pairs;
    }

    private static bool IsContent(string word) => word.Length > 1 && !StopWords.Contains(word);
}
