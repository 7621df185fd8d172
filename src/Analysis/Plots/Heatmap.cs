using System.Globalization;
using System.Text;

namespace Analysis.Plots;

/// <summary>
/// A grid of coloured cells (rows × columns, e.g. layer × layer similarity or layer × training step accuracy), each
/// cell a <c>mark</c> with its value as a tooltip and, when the grid is small, printed inside.
/// </summary>
public sealed class Heatmap(string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, string rowTitle, string columnTitle)
{
    private const int Left = 110, Top = 34, Bottom = 56, LegendWidth = 70, Width = 640, MaxHeight = 560;

    /// <summary>Renders values[row][column] (NaN cells are grey); colours span [min, max] (the data range when null).</summary>
    public string Render(double[][] values, double? min = null, double? max = null)
    {
        if (values.Length != rows.Count || values.Any(r => r.Length != columns.Count))
            throw new ArgumentException($"A heatmap of {rows.Count} × {columns.Count} cells needs that many values.", nameof(values));
        var finite = values.SelectMany(r => r).Where(double.IsFinite).ToArray();
        var lo = min ?? (finite.Length > 0 ? finite.Min() : 0);
        var hi = max ?? (finite.Length > 0 ? finite.Max() : 1);
        if (hi <= lo) hi = lo + 1;
        var plotWidth = Width - Left - LegendWidth - 20;
        var cell = Math.Min(plotWidth / (double)Math.Max(1, columns.Count), (MaxHeight - Top - Bottom) / (double)Math.Max(1, rows.Count));
        var height = (int)Math.Ceiling(Top + cell * rows.Count + Bottom);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{Axes.Escape(title)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" class=\"title\">{Axes.Escape(title)}</text>");
        var showValues = cell >= 28;
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < columns.Count; c++)
            {
                var v = values[r][c];
                var (x, y) = (Left + c * cell, Top + r * cell);
                var fill = double.IsFinite(v) ? Color((v - lo) / (hi - lo)) : "#cccccc";
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"cell mark\" x=\"{Axes.F(x)}\" y=\"{Axes.F(y)}\" width=\"{Axes.F(cell)}\" height=\"{Axes.F(cell)}\" fill=\"{fill}\"><title>{Axes.Escape($"{rows[r]} × {columns[c]}: {Format(v)}")}</title></rect>");
                if (showValues && double.IsFinite(v))
                    svg.Append(CultureInfo.InvariantCulture,
                        $"<text x=\"{Axes.F(x + cell / 2)}\" y=\"{Axes.F(y + cell / 2 + 4)}\" class=\"tick\" text-anchor=\"middle\" style=\"fill:{((v - lo) / (hi - lo) > 0.6 ? "#000" : "#fff")}\">{Format(v, 2)}</text>");
            }
        var rowTicks = Axes.ShortTicks(rows.Select((n, i) => (i + 0.5, n)).ToArray());
        var colTicks = Axes.ShortTicks(columns.Select((n, i) => (i + 0.5, n)).ToArray());
        var every = Math.Max(1, (int)Math.Ceiling(columns.Count / 16.0));
        foreach (var (at, text) in rowTicks)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Axes.F(Top + at * cell + 4)}\" class=\"tick\" text-anchor=\"end\">{Axes.Escape(text)}</text>");
        for (var i = 0; i < colTicks.Count; i += every)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Axes.F(Left + colTicks[i].At * cell)}\" y=\"{Axes.F(Top + rows.Count * cell + 16)}\" class=\"tick\" text-anchor=\"middle\">{Axes.Escape(colTicks[i].Text)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Axes.F(Left + columns.Count * cell / 2)}\" y=\"{height - 10}\" class=\"axis\" text-anchor=\"middle\">{Axes.Escape(columnTitle)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(14 {Axes.F(Top + rows.Count * cell / 2)}) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">{Axes.Escape(rowTitle)}</text>");
        // Colour scale: ten bands from min (bottom) to max (top).
        var lx = Width - LegendWidth + 10;
        var lh = Math.Min(200, cell * rows.Count);
        for (var i = 0; i < 10; i++)
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{Axes.F(Top + lh - (i + 1) * lh / 10)}\" width=\"14\" height=\"{Axes.F(lh / 10 + 0.5)}\" fill=\"{Color((i + 0.5) / 10)}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 18}\" y=\"{Axes.F(Top + 8)}\" class=\"tick\">{Format(hi, 2)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 18}\" y=\"{Axes.F(Top + lh)}\" class=\"tick\">{Format(lo, 2)}</text>");
        return svg.Append("</svg>").ToString();
    }

    private static string Format(double v, int digits = 4) => double.IsFinite(v) ? Math.Round(v, digits).ToString(CultureInfo.InvariantCulture) : "n/a";

    // Viridis at five stops, interpolated: perceptually even and readable in grey.
    private static readonly (double R, double G, double B)[] Stops =
        [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

    private static string Color(double t)
    {
        t = Math.Clamp(double.IsFinite(t) ? t : 0, 0, 1) * (Stops.Length - 1);
        var i = Math.Min((int)t, Stops.Length - 2);
        var f = t - i;
        var (a, b) = (Stops[i], Stops[i + 1]);
        return $"#{(int)Math.Round(a.R + (b.R - a.R) * f):x2}{(int)Math.Round(a.G + (b.G - a.G) * f):x2}{(int)Math.Round(a.B + (b.B - a.B) * f):x2}";
    }
}
