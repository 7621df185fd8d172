using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Analysis.Plots;

/// <summary>A self-contained HTML page (inline SVG and CSS, no external assets) built from report sections.</summary>
public static partial class HtmlPage
{
    /// <summary>Colours (Okabe–Ito) every section draws with, so that the same role has the same colour everywhere.</summary>
    public const string Blue = "#0072B2", Vermillion = "#D55E00", Grey = "#7F7F7F", Purple = "#CC79A7", Green = "#009E73";

    /// <summary>The page: the sections in order, then the run metadata as a table.</summary>
    public static string Render(string title, IEnumerable<ReportSection> sections, IReadOnlyDictionary<string, string> metadata)
    {
        var html = new StringBuilder();
        var plots = 0;
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Escape(title)}</title>
            <style>{Css}</style></head>
            <body data-plots-expected="0">
            <h1>{Escape(title)}</h1>
            """);
        foreach (var section in sections)
        {
            html.Append(section.Html);
            plots += section.Plots;
        }
        html.Append("<h2>Run</h2><table class=\"meta\">");
        foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            html.Append($"<tr><th>{Escape(k)}</th><td>{Escape(v)}</td></tr>");
        html.Append("</table>");
        html.Append($"<script>{Check}</script></body></html>");
        return html.ToString().Replace("data-plots-expected=\"0\"", $"data-plots-expected=\"{plots}\"", StringComparison.Ordinal);
    }

    /// <summary>Text made safe for HTML.</summary>
    public static string Escape(string text) => Axes.Escape(text);

    /// <summary>A number with three decimals, or an em dash when it is not finite.</summary>
    public static string Number(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    /// <summary>
    /// "blocks.3.hook_resid_post" → "3" when every block hook is the same point of a different block; hooks outside the
    /// blocks beside them ("hook_embed") lose only their "hook_" prefix. Otherwise the names as they are.
    /// </summary>
    public static string[] ShortNames(string[] hooks)
    {
        var matches = hooks.Select(h => BlockPattern().Match(h)).ToArray();
        var points = matches.Where(m => m.Success).Select(m => m.Groups[2].Value).Distinct().Count();
        if (points != 1 || hooks.Where((h, i) => !matches[i].Success).Any(h => h.Contains('.'))) return hooks;
        return [.. hooks.Select((h, i) => matches[i].Success ? matches[i].Groups[1].Value
                                         : h.StartsWith("hook_", StringComparison.Ordinal) ? h["hook_".Length..] : h)];
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex BlockPattern();

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1340px;color:#222;padding:0 16px}
        h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
        .grid{display:flex;flex-wrap:wrap;gap:12px}
        svg.plot{background:#fff;border:1px solid #e3e3e3;border-radius:4px}
        svg .title{font-size:14px;font-weight:600}svg .tick{font-size:11px;fill:#444}svg .axis{font-size:12px;fill:#222}
        svg .frame{fill:none;stroke:#999}svg .grid{stroke:#eee}
        table{border-collapse:collapse;margin:12px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
        th{background:#f5f5f5}table.meta td,table.meta th{text-align:left}
        """;

    // Runs in the browser: every plot must have drawn marks with a non-empty box; the count lands in data-plots-rendered.
    private const string Check = """
        (function(){var ok=0;document.querySelectorAll('svg.plot').forEach(function(svg){var marks=svg.querySelectorAll('.mark'),drawn=0;
        marks.forEach(function(m){var b=m.getBBox();if(b.width>0||b.height>0)drawn++;});
        if(drawn>0)ok++;else console.error('empty plot: '+svg.getAttribute('aria-label'));});
        document.body.setAttribute('data-plots-rendered',String(ok));})();
        """;
}
