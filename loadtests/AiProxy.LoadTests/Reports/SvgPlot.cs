using System.Globalization;
using System.Net;
using System.Text;

namespace AiProxy.LoadTests.Reports;

/// <summary>Minimal inline-SVG line charts: axes, ticks, one polyline per series. Enough for a report, no dependency.</summary>
internal static class SvgPlot
{
    private const int Width = 720, Height = 260, Left = 56, Right = 16, Top = 24, Bottom = 36;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"];

    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X axis label.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="series">Named point lists; X values are mapped through <paramref name="xTransform"/> (e.g. a log scale of percentiles).</param>
    /// <param name="xTicks">X tick positions (untransformed) with labels.</param>
    /// <param name="xTransform">Maps a data X to the axis coordinate; identity when null.</param>
    public static string Line(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series,
        IReadOnlyList<(double X, string Label)>? xTicks = null, Func<double, double>? xTransform = null)
    {
        var inv = CultureInfo.InvariantCulture;
        xTransform ??= static x => x;
        var all = series.SelectMany(s => s.Points).ToList();
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append(inv, $"<text x=\"{Width / 2}\" y=\"15\" text-anchor=\"middle\" font-weight=\"bold\">{Esc(title)}</text>");
        if (all.Count == 0)
        {
            return sb.Append("<text x=\"20\" y=\"60\">no data</text></svg>").ToString();
        }
        var xs = all.Select(p => xTransform(p.X)).ToList();
        double x0 = xs.Min(), x1 = Math.Max(xs.Max(), x0 + 1e-9);
        double y1 = NiceCeiling(all.Max(p => p.Y));
        double Px(double x) => Left + ((xTransform(x) - x0) / (x1 - x0) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - (y / y1 * (Height - Top - Bottom));
        sb.Append(inv, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var y = y1 * i / 4;
            sb.Append(inv, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Py(y):0.#}\" y2=\"{Py(y):0.#}\" stroke=\"#eee\"/>");
            sb.Append(inv, $"<text x=\"{Left - 4}\" y=\"{Py(y) + 4:0.#}\" text-anchor=\"end\">{y:0.###}</text>");
        }
        var ticks = xTicks ?? Enumerable.Range(0, 5).Select(i => { var x = x0 + ((x1 - x0) * i / 4); return (x, x.ToString("0.#", inv)); }).ToList();
        foreach (var (x, label) in ticks)
        {
            sb.Append(inv, $"<text x=\"{Px(x):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{Esc(label)}</text>");
        }
        sb.Append(inv, $"<text x=\"{Width / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\">{Esc(xLabel)}</text>");
        sb.Append(inv, $"<text x=\"12\" y=\"{Height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Height / 2})\">{Esc(yLabel)}</text>");
        for (var i = 0; i < series.Count; i++)
        {
            var color = Colors[i % Colors.Length];
            var points = string.Join(' ', series[i].Points.Select(p => $"{Px(p.X).ToString("0.#", inv)},{Py(p.Y).ToString("0.#", inv)}"));
            sb.Append(inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points}\"/>");
            sb.Append(inv, $"<text x=\"{Left + 8 + (i * 120)}\" y=\"{Top + 14}\" fill=\"{color}\">{Esc(series[i].Name)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
