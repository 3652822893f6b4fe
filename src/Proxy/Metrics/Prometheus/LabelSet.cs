namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// One series' labels in canonical (name-sorted) order, with the rendered <c>name="value",…</c> text cached so a scrape
/// never re-escapes labels. Built once per new series; the record path looks series up by the raw tag span instead.
/// </summary>
internal sealed class LabelSet
{
    public static readonly LabelSet Empty = new([], [], 0);

    private LabelSet(string[] names, string[] values, int hash)
    {
        Names = names;
        Values = values;
        Hash = hash;
        Text = PrometheusText.FormatLabels(names, values);
    }

    /// <summary>Gets the raw tag names, sorted ordinally.</summary>
    public string[] Names { get; }

    /// <summary>Gets the tag values formatted as strings, in the order of <see cref="Names"/>.</summary>
    public string[] Values { get; }

    /// <summary>Gets the order-independent hash shared with the span lookup in <see cref="LabelSetComparer"/>.</summary>
    public int Hash { get; }

    /// <summary>Gets the rendered labels without braces, e.g. <c>client="a",model="b"</c>; empty when there are none.</summary>
    public string Text { get; }

    public static LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags, string? valueOverride = null)
    {
        if (tags.Length == 0)
        {
            return Empty;
        }
        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            pairs[i] = new(tags[i].Key, valueOverride ?? FormatValue(tags[i].Value));
        }
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        // A repeated tag name would render an invalid series; the last value wins, as in the OTel SDK.
        var names = new List<string>(pairs.Length);
        var values = new List<string>(pairs.Length);
        foreach (var (name, value) in pairs)
        {
            if (names.Count > 0 && names[^1] == name)
            {
                values[^1] = value;
                continue;
            }
            names.Add(name);
            values.Add(value);
        }
        var hash = 0;
        for (var i = 0; i < names.Count; i++)
        {
            hash += TagHash(names[i], values[i]);
        }
        return new LabelSet([.. names], [.. values], hash);
    }

    /// <summary>Per-tag hash summed over tags so that tag order does not matter.</summary>
    public static int TagHash(string name, string value) => HashCode.Combine(name, value);

    public static string FormatValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
