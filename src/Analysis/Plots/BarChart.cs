using System.Globalization;
using System.Text;

namespace Analysis.Plots;

/// <summary>
/// Horizontal bars, one per labelled value, drawn from zero (negative values to the left), the values written in a column
/// to the right; each bar is a <c>rect.mark.bar</c> with its value as a tooltip.
/// </summary>
public sealed class BarChart(string title, string valueTitle)
{
    private const int Left = 180, Right = 70, Top = 34, Bottom = 40, Bar = 18, PlotWidth = 420;

    /// <summary>The chart as an inline SVG element.</summary>
    public string Render(IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        if (labels.Count != values.Count) throw new ArgumentException($"{labels.Count} labels but {values.Count} values.", nameof(values));
        var finite = values.Where(double.IsFinite).ToArray();
        var lo = Math.Min(0, finite.Length > 0 ? finite.Min() : 0);
        var hi = Math.Max(0, finite.Length > 0 ? finite.Max() : 1);
        if (hi <= lo) hi = lo + 1;
        double X(double v) => Left + (v - lo) / (hi - lo) * PlotWidth;
        int width = Left + PlotWidth + Right, height = Top + labels.Count * Bar + Bottom;
        var inv = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Axes.Escape(title)}\">");
        svg.Append($"<text x=\"{Left}\" y=\"20\" class=\"title\">{Axes.Escape(title)}</text>");
        for (var i = 0; i < labels.Count; i++)
        {
            var v = values[i];
            var y = Top + i * Bar;
            svg.Append($"<text x=\"{Left - 6}\" y=\"{y + Bar / 2 + 4}\" class=\"tick\" text-anchor=\"end\">{Axes.Escape(labels[i])}</text>");
            if (!double.IsFinite(v)) continue;
            var (x0, x1) = (X(Math.Min(0, v)), X(Math.Max(0, v)));
            svg.Append(string.Create(inv, $"<rect class=\"mark bar\" x=\"{x0:0.##}\" y=\"{y + 2}\" width=\"{Math.Max(x1 - x0, 0.5):0.##}\" height=\"{Bar - 4}\" fill=\"{(v >= 0 ? HtmlPage.Vermillion : HtmlPage.Blue)}\">"));
            svg.Append($"<title>{Axes.Escape($"{labels[i]}: {v.ToString("0.0000", inv)}")}</title></rect>");
            svg.Append(string.Create(inv, $"<text x=\"{Left + PlotWidth + 8}\" y=\"{y + Bar / 2 + 4}\" class=\"tick\">{Math.Round(v, 3) + 0.0:0.###}</text>"));
        }
        var zero = X(0);
        svg.Append(string.Create(inv, $"<line x1=\"{zero:0.##}\" x2=\"{zero:0.##}\" y1=\"{Top}\" y2=\"{Top + labels.Count * Bar}\" class=\"frame\"/>"));
        svg.Append(string.Create(inv, $"<text x=\"{Left:0}\" y=\"{height - 22}\" class=\"tick\" text-anchor=\"middle\">{Axes.F(lo)}</text><text x=\"{Left + PlotWidth}\" y=\"{height - 22}\" class=\"tick\" text-anchor=\"middle\">{Axes.F(hi)}</text>"));
        svg.Append($"<text x=\"{Left + PlotWidth / 2}\" y=\"{height - 6}\" class=\"axis\" text-anchor=\"middle\">{Axes.Escape(valueTitle)}</text>");
        return svg.Append("</svg>").ToString();
    }
}
