namespace AiProxy.Metrics.Prometheus;

/// <summary>
/// Compares label sets, and lets the record path find a series straight from the measurement's tag span
/// (an alternate key), so a hit allocates nothing. Tag order is irrelevant: hashes are summed per tag and
/// equality matches each tag by name.
/// </summary>
internal sealed class LabelSetComparer : IEqualityComparer<LabelSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, LabelSet>
{
    public static readonly LabelSetComparer Instance = new();

    public bool Equals(LabelSet? x, LabelSet? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null || x.Hash != y.Hash || x.Names.Length != y.Names.Length) return false;
        for (var i = 0; i < x.Names.Length; i++)
        {
            if (!string.Equals(x.Names[i], y.Names[i], StringComparison.Ordinal) || !string.Equals(x.Values[i], y.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public int GetHashCode(LabelSet obj) => obj.Hash;

    public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, LabelSet other)
    {
        if (alternate.Length != other.Names.Length) return false;
        var names = other.Names;
        foreach (var tag in alternate)
        {
            var index = -1;
            for (var j = 0; j < names.Length; j++)
            {
                if (string.Equals(names[j], tag.Key, StringComparison.Ordinal))
                {
                    index = j;
                    break;
                }
            }
            if (index < 0) return false;
            var value = tag.Value as string ?? LabelSet.FormatValue(tag.Value);
            if (!string.Equals(value, other.Values[index], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate)
    {
        var hash = 0;
        foreach (var tag in alternate)
        {
            hash += LabelSet.TagHash(tag.Key, tag.Value as string ?? LabelSet.FormatValue(tag.Value));
        }
        return hash;
    }

    public LabelSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => LabelSet.Create(alternate);
}
