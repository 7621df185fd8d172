using System.Globalization;
using System.Net;
using System.Text;

namespace Analysis.Plots;

/// <summary>Maps data coordinates to an SVG viewport and draws the frame, ticks and axis titles.</summary>
internal sealed class Axes
{
    public const int Width = 640, Height = 340;
    private const int Left = 60, Right = 150, Top = 34, Bottom = 50;
    private readonly double _x0, _x1, _y0, _y1;

    public Axes(double x0, double x1, double y0, double y1)
    {
        (_x0, _x1) = x1 > x0 ? (x0, x1) : (x0 - 0.5, x0 + 0.5);
        (_y0, _y1) = y1 > y0 ? (y0, y1) : (y0 - 0.5, y0 + 0.5);
    }

    /// <summary>Data range with 5% padding, ignoring non-finite values.</summary>
    public static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return (0, 1);
        var (min, max) = (finite.Min(), finite.Max());
        var pad = (max - min) * 0.05;
        return pad == 0 ? (min - 0.5, max + 0.5) : (min - pad, max + pad);
    }

    public double X(double v) => Left + (v - _x0) / (_x1 - _x0) * (Width - Left - Right);
    public double Y(double v) => Height - Bottom - (v - _y0) / (_y1 - _y0) * (Height - Top - Bottom);
    public double PlotRight => Width - Right;

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    public static string Escape(string s) => WebUtility.HtmlEncode(s);

    /// <summary>
    /// Hook names as tick labels are too long to sit side by side: drop "blocks.", the suffix most of them share
    /// (".hook_resid_post") and a leading "hook_", so "blocks.3.hook_resid_post" reads "3" and "hook_embed" "embed".
    /// The tables keep the full names.
    /// </summary>
    internal static IReadOnlyList<(double At, string Text)> ShortTicks(IReadOnlyList<(double At, string Text)> ticks)
    {
        if (ticks.Count < 2 || ticks.Sum(t => t.Text.Length) * 6.5 < Width - Left - Right) return ticks;
        var names = ticks.Select(t => t.Text.StartsWith("blocks.", StringComparison.Ordinal) ? t.Text["blocks.".Length..] : t.Text).ToArray();
        var suffix = names.Select(n => n.IndexOf('.') is var dot and >= 0 ? n[dot..] : "").GroupBy(x => x)
            .OrderByDescending(g => g.Count()).First();
        if (suffix.Key.Length > 0 && suffix.Count() * 2 >= names.Length)
            names = names.Select(n => n.EndsWith(suffix.Key, StringComparison.Ordinal) ? n[..^suffix.Key.Length] : n).ToArray();
        names = names.Select(n => n.StartsWith("hook_", StringComparison.Ordinal) ? n["hook_".Length..] : n).ToArray();
        return ticks.Select((t, i) => (t.At, names[i])).ToArray();
    }

    public void Open(StringBuilder svg, string title)
    {
        svg.Append($"<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{Escape(title)}\">");
        svg.Append($"<text x=\"{Left}\" y=\"20\" class=\"title\">{Escape(title)}</text>");
    }

    /// <summary>Frame, gridlines and tick labels; xTicks may name categorical positions.</summary>
    public void Draw(StringBuilder svg, string xTitle, string yTitle, IReadOnlyList<(double At, string Text)>? xTicks = null)
    {
        var (l, r, t, b) = (X(_x0), X(_x1), Y(_y1), Y(_y0));
        svg.Append($"<rect x=\"{F(l)}\" y=\"{F(t)}\" width=\"{F(r - l)}\" height=\"{F(b - t)}\" class=\"frame\"/>");
        foreach (var v in Ticks(_y0, _y1))
        {
            var y = Y(v);
            svg.Append($"<line x1=\"{F(l)}\" x2=\"{F(r)}\" y1=\"{F(y)}\" y2=\"{F(y)}\" class=\"grid\"/>");
            svg.Append($"<text x=\"{F(l - 6)}\" y=\"{F(y + 4)}\" class=\"tick\" text-anchor=\"end\">{Tick(v)}</text>");
        }
        var xs = xTicks is null ? Ticks(_x0, _x1).Select(v => (v, Tick(v))).ToArray() : ShortTicks(xTicks);
        var every = Math.Max(1, (int)Math.Ceiling(xs.Count / 16.0));
        for (var i = 0; i < xs.Count; i += every)
            svg.Append($"<text x=\"{F(X(xs[i].At))}\" y=\"{F(b + 16)}\" class=\"tick\" text-anchor=\"middle\">{Escape(xs[i].Text)}</text>");
        svg.Append($"<text x=\"{F((l + r) / 2)}\" y=\"{Height - 10}\" class=\"axis\" text-anchor=\"middle\">{Escape(xTitle)}</text>");
        svg.Append($"<text transform=\"translate(14 {F((t + b) / 2)}) rotate(-90)\" class=\"axis\" text-anchor=\"middle\">{Escape(yTitle)}</text>");
    }

    public void Legend(StringBuilder svg, IReadOnlyList<(string Name, string Color, bool Dashed)> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var y = Top + 8 + i * 18;
            var (name, color, dashed) = entries[i];
            svg.Append($"<line x1=\"{F(PlotRight + 10)}\" x2=\"{F(PlotRight + 30)}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"3\"{(dashed ? " stroke-dasharray=\"5 3\"" : "")}/>");
            svg.Append($"<text x=\"{F(PlotRight + 36)}\" y=\"{y + 4}\" class=\"tick\">{Escape(name)}</text>");
        }
    }

    private static string Tick(double v) => Math.Abs(v) >= 1e4 || (Math.Abs(v) < 1e-2 && v != 0)
        ? v.ToString("0.#e0", CultureInfo.InvariantCulture) : F(v);

    private static IReadOnlyList<double> Ticks(double lo, double hi)
    {
        var raw = (hi - lo) / 5;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        var ticks = new List<double>();
        for (var v = Math.Ceiling(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }
}
