using System.Globalization;
using System.Text;

namespace Analysis.Plots;

/// <summary>
/// A matrix of values as coloured cells (white → blue from <c>min</c> to <c>max</c>), rows top to bottom, with row and
/// column labels. Each cell is a <c>rect.mark.cell</c> carrying <c>data-r</c>/<c>data-c</c> and its value as a tooltip,
/// so a page script can recolour it (the attention pattern viewer does).
/// </summary>
public sealed class Heatmap(string title, IReadOnlyList<string> rows, IReadOnlyList<string> columns, string rowTitle, string columnTitle)
{
    private const int Left = 86, Top = 34, Right = 70, Bottom = 56;

    /// <summary>The chart as an inline SVG element; <paramref name="id"/> names it for scripts. NaN cells are left grey.</summary>
    public string Render(double[,] values, double min = 0, double max = 1, int cell = 0, string? id = null, string format = "0.000")
    {
        if (values.GetLength(0) != rows.Count || values.GetLength(1) != columns.Count)
            throw new ArgumentException($"The heatmap has {rows.Count} × {columns.Count} labels but {values.GetLength(0)} × {values.GetLength(1)} values.", nameof(values));
        if (cell <= 0) cell = Math.Clamp(560 / Math.Max(columns.Count, 1), 8, 40);
        int width = Left + columns.Count * cell + Right, height = Top + rows.Count * cell + Bottom;
        var inv = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"plot\"{(id is null ? "" : $" id=\"{Axes.Escape(id)}\"")} xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{Axes.Escape(title)}\">");
        svg.Append($"<text x=\"{Left}\" y=\"20\" class=\"title\">{Axes.Escape(title)}</text>");
        var font = Math.Min(11, Math.Max(7, cell - 2));
        for (var r = 0; r < rows.Count; r++)
            svg.Append($"<text x=\"{Left - 4}\" y=\"{Top + r * cell + cell / 2 + font / 3}\" class=\"tick\" text-anchor=\"end\" font-size=\"{font}\" data-row-label=\"{r}\">{Axes.Escape(rows[r])}</text>");
        for (var c = 0; c < columns.Count; c++)
        {
            var x = Left + c * cell + cell / 2;
            var y = Top + rows.Count * cell + 6;
            svg.Append($"<text transform=\"translate({x} {y}) rotate(-60)\" class=\"tick\" text-anchor=\"end\" font-size=\"{font}\" data-column-label=\"{c}\">{Axes.Escape(columns[c])}</text>");
        }
        for (var r = 0; r < rows.Count; r++)
            for (var c = 0; c < columns.Count; c++)
            {
                var v = values[r, c];
                svg.Append($"<rect class=\"mark cell\" data-r=\"{r}\" data-c=\"{c}\" x=\"{Left + c * cell}\" y=\"{Top + r * cell}\" width=\"{cell}\" height=\"{cell}\" fill=\"{Color(v, min, max)}\">"
                    + $"<title>{Axes.Escape($"{rows[r]} × {columns[c]}: {(double.IsFinite(v) ? v.ToString(format, inv) : "—")}")}</title></rect>");
            }
        svg.Append($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{columns.Count * cell}\" height=\"{rows.Count * cell}\" class=\"frame\"/>");
        svg.Append($"<text x=\"{Left + columns.Count * cell / 2}\" y=\"{height - 4}\" class=\"axis\" text-anchor=\"middle\">{Axes.Escape(columnTitle)}</text>");
        svg.Append($"<text transform=\"translate(12 {Top + rows.Count * cell / 2}) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">{Axes.Escape(rowTitle)}</text>");
        // The colour scale: min at the bottom, max at the top.
        var scaleX = Left + columns.Count * cell + 14;
        for (var i = 0; i < 10; i++)
            svg.Append($"<rect x=\"{scaleX}\" y=\"{Top + (9 - i) * 10}\" width=\"12\" height=\"10\" fill=\"{Color(min + (max - min) * (i + 0.5) / 10, min, max)}\"/>");
        svg.Append($"<text x=\"{scaleX + 16}\" y=\"{Top + 8}\" class=\"tick\">{Axes.F(max)}</text><text x=\"{scaleX + 16}\" y=\"{Top + 100}\" class=\"tick\">{Axes.F(min)}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Renders values[row][column]; colours span [min, max], the finite values' range where not given.</summary>
    public string Render(double[][] values, double? min = null, double? max = null)
    {
        var columnCount = values.Length > 0 ? values[0].Length : 0;
        if (values.Any(r => r.Length != columnCount))
            throw new ArgumentException("Every row of a heatmap needs the same number of values.", nameof(values));
        var grid = new double[values.Length, columnCount];
        for (var r = 0; r < values.Length; r++)
            for (var c = 0; c < columnCount; c++) grid[r, c] = values[r][c];
        var finite = values.SelectMany(r => r).Where(double.IsFinite).ToArray();
        var lo = min ?? (finite.Length > 0 ? finite.Min() : 0);
        var hi = max ?? (finite.Length > 0 ? finite.Max() : 1);
        return Render(grid, lo, hi > lo ? hi : lo + 1);
    }

    /// <summary>The fill of a value on the white → blue scale (grey when not finite).</summary>
    public static string Color(double v, double min, double max)
    {
        if (!double.IsFinite(v)) return "#dddddd";
        var t = max > min ? Math.Clamp((v - min) / (max - min), 0, 1) : 0;
        int R(int to) => (int)Math.Round(255 + (to - 255) * t);
        return $"rgb({R(0)},{R(72)},{R(140)})";
    }
}
