using System.Globalization;
using System.Text.RegularExpressions;

namespace AiProxy.LoadTests.Runner;

/// <summary>A pass/fail rule such as <c>p99&lt;50ms</c>, <c>fail&lt;0.1%</c>, <c>rps&gt;=1000</c> or <c>ttft_p50&lt;=5ms</c>.</summary>
/// <remarks>Latency values are held in milliseconds (<c>us</c>, <c>ms</c> and <c>s</c> are converted); a <c>%</c> value compares the
/// metric's percentage (<c>fail%</c>, <c>ok%</c>); other metrics compare plain numbers.</remarks>
public sealed partial record Threshold(string Text, string Metric, ThresholdOperator Operator, double Value, string Unit)
{
    /// <summary>Parses a threshold; throws <see cref="FormatException"/> with the accepted grammar otherwise.</summary>
    public static Threshold Parse(string text)
    {
        var m = Grammar().Match(text.Trim());
        if (!m.Success)
        {
            throw new FormatException($"threshold '{text}' is not METRIC OP VALUE[unit], e.g. p99<50ms, fail<0.1%, rps>=500");
        }
        var metric = m.Groups["metric"].Value.ToLowerInvariant();
        var op = m.Groups["op"].Value switch
        {
            "<" => ThresholdOperator.Less,
            "<=" => ThresholdOperator.LessOrEqual,
            ">" => ThresholdOperator.Greater,
            _ => ThresholdOperator.GreaterOrEqual,
        };
        var value = double.Parse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value.ToLowerInvariant();
        (value, unit) = unit switch
        {
            "us" or "µs" => (value / 1000, "ms"),
            "s" => (value * 1000, "ms"),
            _ => (value, unit),
        };
        if (unit == "%" && !metric.EndsWith('%'))
        {
            metric += "%";
        }
        return new Threshold(text.Trim(), metric, op, value, unit);
    }

    /// <summary>Whether <paramref name="actual"/> satisfies the rule.</summary>
    public bool IsSatisfiedBy(double actual) => Operator switch
    {
        ThresholdOperator.Less => actual < Value,
        ThresholdOperator.LessOrEqual => actual <= Value,
        ThresholdOperator.Greater => actual > Value,
        _ => actual >= Value,
    };

    /// <summary>Checks the rule against a metric lookup.</summary>
    public ThresholdResult Evaluate(Func<string, double?> metric) => new(this, metric(Metric));

    [GeneratedRegex(@"^(?<metric>[a-zA-Z_][a-zA-Z0-9_.]*%?)\s*(?<op><=|>=|<|>)\s*(?<value>[0-9]+(\.[0-9]+)?)\s*(?<unit>ms|us|µs|s|%|x)?$")]
    private static partial Regex Grammar();
}
