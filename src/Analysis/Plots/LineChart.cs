using System.Text;

namespace Analysis.Plots;

/// <summary>Lines over categorical positions (layers), each optionally with a shaded interval band.</summary>
public sealed class LineChart(string title, IReadOnlyList<string> positions, string xTitle, string yTitle)
{
    private readonly List<(string Name, string Color, double[] Values, double[]? Low, double[]? High, bool Dashed)> _series = [];

    /// <summary>Adds a line; low/high (same length) draw a translucent band.</summary>
    public LineChart Add(string name, string color, double[] values, double[]? low = null, double[]? high = null, bool dashed = false)
    {
        _series.Add((name, color, values, low, high, dashed));
        return this;
    }

    /// <summary>The chart as an inline SVG element.</summary>
    public string Render(double? yMin = null, double? yMax = null)
    {
        var all = _series.SelectMany(s => s.Values.Concat(s.Low ?? []).Concat(s.High ?? []));
        var (lo, hi) = Axes.Range(all);
        var axes = new Axes(-0.3, positions.Count - 0.7, yMin ?? lo, yMax ?? hi);
        var svg = new StringBuilder();
        axes.Open(svg, title);
        axes.Draw(svg, xTitle, yTitle, positions.Select((p, i) => ((double)i, p)).ToArray());
        foreach (var s in _series.Where(s => s.Low is not null && s.High is not null))
        {
            var upper = Enumerable.Range(0, s.Values.Length).Select(i => $"{Axes.F(axes.X(i))},{Axes.F(axes.Y(s.High![i]))}");
            var lower = Enumerable.Range(0, s.Values.Length).Reverse().Select(i => $"{Axes.F(axes.X(i))},{Axes.F(axes.Y(s.Low![i]))}");
            svg.Append($"<polygon class=\"band mark\" points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"{s.Color}\" fill-opacity=\"0.18\"/>");
        }
        foreach (var s in _series)
        {
            var points = string.Join(' ', s.Values.Select((v, i) => $"{Axes.F(axes.X(i))},{Axes.F(axes.Y(v))}"));
            svg.Append($"<polyline class=\"mark\" points=\"{points}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"{(s.Dashed ? " stroke-dasharray=\"5 3\"" : "")}/>");
            for (var i = 0; i < s.Values.Length; i++)
                svg.Append($"<circle class=\"mark\" cx=\"{Axes.F(axes.X(i))}\" cy=\"{Axes.F(axes.Y(s.Values[i]))}\" r=\"3\" fill=\"{s.Color}\"><title>{Axes.Escape($"{s.Name} @ {positions[i]}: {s.Values[i]:0.###}")}</title></circle>");
        }
        axes.Legend(svg, _series.Select(s => (s.Name, s.Color, s.Dashed)).ToArray());
        return svg.Append("</svg>").ToString();
    }
}
