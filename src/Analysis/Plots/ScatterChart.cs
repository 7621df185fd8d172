using System.Text;

namespace Analysis.Plots;

/// <summary>Points coloured by category, optionally with fitted lines.</summary>
public sealed class ScatterChart(string title, string xTitle, string yTitle)
{
    /// <summary>A colour-blind-friendly categorical palette (Okabe–Ito plus Tableau extras); later categories are grey.</summary>
    public static readonly string[] Palette =
        ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000", "#8C564B", "#17BECF", "#BCBD22", "#7F7F7F"];

    private double[] _x = [], _y = [];
    private string[] _categories = [];
    private readonly List<(string Name, string Color, Func<double, double> F)> _lines = [];

    /// <summary>Sets the points.</summary>
    public ScatterChart Points(double[] x, double[] y, string[] categories)
    {
        (_x, _y, _categories) = (x, y, categories);
        return this;
    }

    /// <summary>Adds a fitted curve y = f(x).</summary>
    public ScatterChart Line(string name, string color, Func<double, double> f)
    {
        _lines.Add((name, color, f));
        return this;
    }

    /// <summary>The chart as an inline SVG element.</summary>
    public string Render()
    {
        var (x0, x1) = Axes.Range(_x);
        var (y0, y1) = Axes.Range(_y);
        var axes = new Axes(x0, x1, y0, y1);
        var svg = new StringBuilder();
        axes.Open(svg, title);
        axes.Draw(svg, xTitle, yTitle);
        // Most frequent categories get colours; the rest share the last (grey) one.
        var ranked = _categories.GroupBy(c => c, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToArray();
        var colour = ranked.Select((c, i) => (c, Palette[Math.Min(i, Palette.Length - 1)])).ToDictionary(p => p.c, p => p.Item2, StringComparer.Ordinal);
        for (var i = 0; i < _x.Length; i++)
        {
            if (!double.IsFinite(_x[i]) || !double.IsFinite(_y[i])) continue;
            svg.Append($"<circle class=\"mark\" cx=\"{Axes.F(axes.X(_x[i]))}\" cy=\"{Axes.F(axes.Y(_y[i]))}\" r=\"2.5\" fill=\"{colour[_categories[i]]}\" fill-opacity=\"0.7\"/>");
        }
        foreach (var (_, color, f) in _lines)
        {
            var pts = Enumerable.Range(0, 61).Select(k => x0 + (x1 - x0) * k / 60.0)
                .Select(v => (v, w: f(v))).Where(p => double.IsFinite(p.w) && p.w >= y0 && p.w <= y1)
                .Select(p => $"{Axes.F(axes.X(p.v))},{Axes.F(axes.Y(p.w))}");
            svg.Append($"<polyline class=\"mark\" points=\"{string.Join(' ', pts)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>");
        }
        var legend = ranked.Take(Palette.Length - 1).Select(c => (c, colour[c], false)).ToList();
        if (ranked.Length >= Palette.Length) legend.Add(($"other ({ranked.Length - Palette.Length + 1})", Palette[^1], false));
        legend.AddRange(_lines.Select(l => (l.Name, l.Color, false)));
        axes.Legend(svg, legend);
        return svg.Append("</svg>").ToString();
    }
}
