namespace AiProxy.Caching.Semantic;

/// <summary>
/// Rejects when the prompts do not mention the same numbers, units, dates and versions: every numeric token
/// (<c>42</c>, <c>1,000</c>, <c>3.11</c>, <c>2024-01-05</c>, <c>10:30</c>), number words (two, dozen…), tokens that
/// mix letters and digits (<c>ipv4</c>, <c>gpt-4o</c>, <c>utf-8</c>, <c>5gb</c>), the unit after a number, month and
/// weekday names and relative days must match as sets. "2" and "two" are the same number.
/// </summary>
internal sealed class NumberGuard : ISemanticGuard
{
    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["zero"] = "0", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6", ["seven"] = "7",
        ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12", ["dozen"] = "12", ["thirteen"] = "13",
        ["fourteen"] = "14", ["fifteen"] = "15", ["sixteen"] = "16", ["seventeen"] = "17", ["eighteen"] = "18", ["nineteen"] = "19",
        ["twenty"] = "20", ["thirty"] = "30", ["forty"] = "40", ["fifty"] = "50", ["sixty"] = "60", ["seventy"] = "70", ["eighty"] = "80",
        ["ninety"] = "90", ["hundred"] = "100", ["thousand"] = "1000", ["million"] = "1000000", ["billion"] = "1000000000",
        ["twice"] = "2", ["triple"] = "3",
    };

    private static readonly Dictionary<string, string> Units = BuildUnits();

    private static readonly Dictionary<string, string> Dates = BuildDates();

    public string Reason => SemanticReasons.Numbers;

    public bool Rejects(GuardText query, GuardText candidate) => !Features(query).SetEquals(Features(candidate));

    internal static HashSet<string> Features(GuardText text)
    {
        var features = new HashSet<string>(StringComparer.Ordinal);
        var tokens = text.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Lower;
            if (Dates.TryGetValue(word, out var date) && (word != "may" || (tokens[i].Text == "May" && !tokens[i].SentenceInitial)))
            {
                features.Add("d:" + date);
                continue;
            }

            if (NumberWords.TryGetValue(word, out var number))
            {
                // "one", "single", "pair", "half" are left out: "which one" and "a single" are rarely quantities.
                features.Add("n:" + number);
                AddUnit(features, tokens, i + 1);
                continue;
            }

            if (!HasDigit(word))
            {
                continue;
            }

            if (IsNumeric(word))
            {
                features.Add("n:" + NormalizeNumber(word));
                AddUnit(features, tokens, i + 1);
                continue;
            }

            // 5gb, 10ms, 3x: a number with a unit glued on.
            var split = LeadingDigits(word);
            if (split > 0 && split < word.Length && Units.TryGetValue(word[split..], out var glued))
            {
                features.Add("n:" + NormalizeNumber(word[..split]));
                features.Add("u:" + glued);
                continue;
            }

            // ipv4, gpt-4o, utf-8, python3, x86_64, 1st: the whole token is the fact.
            features.Add("t:" + word.Replace("-", "", StringComparison.Ordinal));
        }

        return features;
    }

    private static void AddUnit(HashSet<string> features, List<GuardToken> tokens, int next)
    {
        if (next < tokens.Count && Units.TryGetValue(tokens[next].Lower, out var unit))
        {
            features.Add("u:" + unit);
        }
    }

    private static bool HasDigit(string word)
    {
        foreach (var c in word)
        {
            if (char.IsAsciiDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNumeric(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsAsciiDigit(c) && c is not ('.' or ',' or ':' or '-' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    private static int LeadingDigits(string word)
    {
        var n = 0;
        while (n < word.Length && (char.IsAsciiDigit(word[n]) || (word[n] == '.' && n > 0)))
        {
            n++;
        }

        return n;
    }

    private static string NormalizeNumber(string number)
    {
        var s = number.Replace(",", "", StringComparison.Ordinal);
        if (s.Contains('.', StringComparison.Ordinal) && !s.Contains(':', StringComparison.Ordinal) && s.IndexOf('.') == s.LastIndexOf('.'))
        {
            // 1.50 == 1.5, 2.0 == 2
            s = s.TrimEnd('0').TrimEnd('.');
        }

        return s.Length > 1 ? s.TrimStart('0') is { Length: > 0 } trimmed && !trimmed.StartsWith('.') ? trimmed : s : s;
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string canonical, string aliases)
        {
            foreach (var alias in aliases.Split(' '))
            {
                units[alias] = canonical;
            }
        }

        Add("b", "b byte bytes");
        Add("kb", "kb kib kilobyte kilobytes k");
        Add("mb", "mb mib megabyte megabytes");
        Add("m", "m");
        Add("gb", "gb gib gigabyte gigabytes g");
        Add("tb", "tb tib terabyte terabytes");
        Add("bit", "bit bits");
        Add("ms", "ms millisecond milliseconds msec");
        Add("us", "us µs microsecond microseconds");
        Add("ns", "ns nanosecond nanoseconds");
        Add("s", "s sec secs second seconds");
        Add("min", "min mins minute minutes");
        Add("h", "h hr hrs hour hours");
        Add("day", "day days d");
        Add("week", "week weeks wk");
        Add("month", "month months");
        Add("year", "year years yr yrs");
        Add("km", "km kilometer kilometers kilometre kilometres");
        Add("meter", "meter meters metre metres");
        Add("cm", "cm centimeter centimeters");
        Add("mm", "mm millimeter millimeters");
        Add("mile", "mile miles mi");
        Add("ft", "ft foot feet");
        Add("in", "inch inches");
        Add("kg", "kg kilogram kilograms kilo kilos");
        Add("gram", "gram grams gr");
        Add("lb", "lb lbs pound pounds");
        Add("oz", "oz ounce ounces");
        Add("l", "l liter liters litre litres");
        Add("ml", "ml milliliter milliliters");
        Add("cup", "cup cups");
        Add("tbsp", "tbsp tablespoon tablespoons");
        Add("tsp", "tsp teaspoon teaspoons");
        Add("c", "c celsius °c");
        Add("f", "f fahrenheit °f");
        Add("pct", "percent percentage %");
        Add("usd", "usd dollar dollars $");
        Add("eur", "eur euro euros €");
        Add("gbp", "gbp £");
        Add("x", "x times");
        Add("px", "px pixel pixels");
        Add("hz", "hz mhz ghz");
        Add("w", "w watt watts kw kwh");
        Add("v", "volt volts");
        Add("core", "core cores cpu cpus vcpu vcpus");
        Add("thread", "thread threads");
        Add("row", "row rows");
        Add("item", "item items");
        Add("char", "char chars character characters");
        Add("word", "word words");
        Add("line", "line lines");
        Add("page", "page pages");
        Add("token", "token tokens");
        Add("request", "request requests rps qps");
        Add("user", "user users");
        Add("people", "people person persons");
        Add("replica", "replica replicas pod pods node nodes instance instances");
        return units;
    }

    private static Dictionary<string, string> BuildDates()
    {
        var dates = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
        for (var m = 0; m < months.Length; m++)
        {
            dates[months[m]] = "m" + (m + 1);
            if (months[m] != "may")
            {
                dates[months[m][..3]] = "m" + (m + 1);
            }
        }

        dates.Remove("mar");
        dates["sept"] = "m9";
        string[] days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        for (var d = 0; d < days.Length; d++)
        {
            dates[days[d]] = "w" + (d + 1);
        }

        dates["today"] = "today";
        dates["tonight"] = "today";
        dates["yesterday"] = "yesterday";
        dates["tomorrow"] = "tomorrow";
        dates["weekend"] = "weekend";
        return dates;
    }
}
