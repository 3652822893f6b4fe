using System.Text;

namespace AiProxy.Metrics.Prometheus;

/// <summary>Maps OpenTelemetry-style instrument names and units to Prometheus metric and label names.</summary>
internal static class PrometheusNames
{
    /// <summary>
    /// Maps an instrument to its Prometheus name: invalid characters (dots) become underscores, the unit adds a suffix
    /// (<c>s</c> → <c>_seconds</c>, <c>USD</c> → <c>_usd</c>, <c>By</c> → <c>_bytes</c>; <c>{…}</c> annotations add nothing)
    /// and counters end in <c>_total</c>.
    /// </summary>
    public static string MetricName(string instrumentName, string? unit, bool isCounter)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        if (isCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit)) return "";
        // UCUM annotations ("{request}", "By{compressed}") carry no unit of their own.
        var brace = unit.IndexOf('{');
        if (brace >= 0) unit = unit[..brace];
        if (unit.Length == 0 || unit == "1") return "";
        var slash = unit.IndexOf('/');
        if (slash > 0)
        {
            var per = Unit(unit[(slash + 1)..], singular: true);
            return per.Length == 0 ? Unit(unit[..slash], singular: false) : Unit(unit[..slash], singular: false) + "_per_" + per;
        }
        return Unit(unit, singular: false);

        static string Unit(string u, bool singular) => u switch
        {
            "d" => singular ? "day" : "days",
            "h" => singular ? "hour" : "hours",
            "min" => singular ? "minute" : "minutes",
            "s" => singular ? "second" : "seconds",
            "ms" => singular ? "millisecond" : "milliseconds",
            "us" => singular ? "microsecond" : "microseconds",
            "ns" => singular ? "nanosecond" : "nanoseconds",
            "By" => singular ? "byte" : "bytes",
            "KiBy" => "kibibytes",
            "MiBy" => "mebibytes",
            "GiBy" => "gibibytes",
            "%" => "percent",
            "" => "",
            _ => Sanitize(u, allowColon: false).ToLowerInvariant().Trim('_'),
        };
    }

    public static string LabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            var mapped = valid ? c : '_';
            // Collapse runs such as "a..b" into one underscore, as the OTel Prometheus exporters do.
            if (mapped == '_' && !valid && sb.Length > 0 && sb[^1] == '_') continue;
            sb.Append(mapped);
        }
        if (sb.Length == 0 || char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }
}
