using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Analysis.Decomposition;

namespace Analysis.Reports;

/// <summary>Renders analysis results as one self-contained HTML page: inline SVG and CSS, no external assets.</summary>
public static partial class HtmlReport
{
    private const string Probe = "#0072B2", Control = "#D55E00", Majority = "#7F7F7F", Shuffled = "#CC79A7", Selectivity = "#009E73";

    /// <summary>The HTML page for the results.</summary>
    public static string Render(AnalysisResults results, string title = "Analysis report")
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Axes.Escape(title)}</title>
            <style>{Css}</style></head>
            <body data-plots-expected="0">
            <h1>{Axes.Escape(title)}</h1>
            """);
        var plots = 0;
        foreach (var sweep in results.Probes) plots += ProbeSection(html, sweep);
        if (results.Scatters.Length > 0)
        {
            html.Append("<h2>PCA of activations, coloured by label</h2><div class=\"grid\">");
            foreach (var s in results.Scatters)
            {
                html.Append(new ScatterChart($"{s.Hook}: PC1 vs PC2 ({s.Label})",
                        $"PC1 ({s.ExplainedVarianceRatio[0]:P1} of variance)",
                        s.ExplainedVarianceRatio.Length > 1 ? $"PC2 ({s.ExplainedVarianceRatio[1]:P1})" : "PC2")
                    .Points(s.X, s.Y, s.Labels).Render());
                plots++;
            }
            html.Append("</div>");
        }
        if (results.NumberLines.Length > 0) plots += NumberLineSection(html, results.NumberLines);
        html.Append("<h2>Run</h2><table class=\"meta\">");
        foreach (var (k, v) in results.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            html.Append($"<tr><th>{Axes.Escape(k)}</th><td>{Axes.Escape(v)}</td></tr>");
        html.Append("</table>");
        html.Append($"<script>{Check}</script></body></html>");
        return html.ToString().Replace("data-plots-expected=\"0\"", $"data-plots-expected=\"{plots}\"", StringComparison.Ordinal);
    }

    /// <summary>Writes the page for the results to a file (atomically).</summary>
    public static void Write(AnalysisResults results, string path, string title = "Analysis report")
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, Render(results, title));
        File.Move(temp, path, overwrite: true);
    }

    private static int ProbeSection(StringBuilder html, ProbeSweep sweep)
    {
        var layers = sweep.Layers;
        var names = ShortNames(layers.Select(l => l.Hook).ToArray());
        html.Append($"<h2>Probe: {Axes.Escape(sweep.Label)}</h2>");
        html.Append($"<p>Multinomial logistic regression per layer; {(layers.FirstOrDefault()?.Seeds.Length ?? 0) switch { 1 => "1 seed", var n => $"{n} seeds" }}; bands are 95% bootstrap intervals over test examples. " +
                    "Control: Hewitt &amp; Liang control task (each word type gets a random label); selectivity = accuracy − control accuracy.</p><div class=\"grid\">");
        double[] V(Func<Probing.ProbeLayerResult, double> f) => layers.Select(f).ToArray();
        html.Append(new LineChart($"Accuracy by layer — {sweep.Label}", names, "layer", "test accuracy")
            .Add("probe", Probe, V(l => l.Accuracy.Value), V(l => l.Accuracy.Low), V(l => l.Accuracy.High))
            .Add("control task", Control, V(l => l.Control.Value), V(l => l.Control.Low), V(l => l.Control.High), dashed: true)
            .Add("shuffled labels", Shuffled, V(l => l.Shuffled.Value), dashed: true)
            .Add("majority class", Majority, V(l => l.Majority.Value), dashed: true)
            .Render(0, 1));
        html.Append(new LineChart($"Selectivity by layer — {sweep.Label}", names, "layer", "accuracy − control accuracy")
            .Add("selectivity", Selectivity, V(l => l.Selectivity.Value), V(l => l.Selectivity.Low), V(l => l.Selectivity.High))
            .Render());
        html.Append("</div><table><tr><th>hook</th><th>rows</th><th>classes</th><th>accuracy [95% CI]</th><th>macro-F1</th><th>log-loss</th><th>majority</th><th>shuffled</th><th>control</th><th>selectivity [95% CI]</th></tr>");
        foreach (var l in layers)
            html.Append($"<tr><td>{Axes.Escape(l.Hook)}</td><td>{l.Rows}</td><td>{l.Classes.Length}</td><td>{Est(l.Accuracy)}</td><td>{N(l.MacroF1.Value)}</td><td>{N(l.LogLoss)}</td>" +
                        $"<td>{N(l.Majority.Value)}</td><td>{N(l.Shuffled.Value)}</td><td>{N(l.Control.Value)}</td><td>{Est(l.Selectivity)}</td></tr>");
        html.Append("</table>");
        return 2;
    }

    private static int NumberLineSection(StringBuilder html, NumberLineResult[] layers)
    {
        var names = ShortNames(layers.Select(l => l.Hook).ToArray());
        html.Append("<h2>Number line: linear or logarithmic?</h2><p>Per layer, the first PCA and PLS components regressed on the number and on its logarithm (R² of each fit).</p><div class=\"grid\">");
        double[] V(Func<NumberLineResult, double> f) => layers.Select(f).ToArray();
        html.Append(new LineChart("R² of the first component on the number", names, "layer", "R²")
            .Add("PLS ~ log(n)", Probe, V(l => l.Pls.Logarithmic.R2))
            .Add("PLS ~ n", Probe, V(l => l.Pls.Linear.R2), dashed: true)
            .Add("PCA ~ log(n)", Control, V(l => l.Pca.Logarithmic.R2))
            .Add("PCA ~ n", Control, V(l => l.Pca.Linear.R2), dashed: true)
            .Render(0, 1));
        var plots = 1;
        foreach (var l in layers)
        {
            var log = l.Pls.Better == "log";
            var xs = log ? l.SampleValues.Select(v => Math.Log(v)).ToArray() : l.SampleValues;
            var fit = log ? l.Pls.Logarithmic : l.Pls.Linear;
            html.Append(new ScatterChart($"{l.Hook}: PLS component 1 ({l.Pls.Better} fits better)", log ? "log(number)" : "number", "PLS score")
                .Points(xs, l.SamplePlsScores, l.SampleValues.Select(_ => "tokens").ToArray())
                .Line($"fit R²={fit.R2:0.000}", Control, v => fit.Slope * v + fit.Intercept)
                .Render());
            plots++;
        }
        html.Append("</div><table><tr><th>hook</th><th>rows</th><th>PCA R² linear</th><th>PCA R² log</th><th>PLS R² linear</th><th>PLS R² log</th><th>better (PLS)</th><th>PLS components (CV)</th><th>PLS CV R²</th></tr>");
        foreach (var l in layers)
            html.Append($"<tr><td>{Axes.Escape(l.Hook)}</td><td>{l.Rows}</td><td>{N(l.Pca.Linear.R2)}</td><td>{N(l.Pca.Logarithmic.R2)}</td><td>{N(l.Pls.Linear.R2)}</td><td>{N(l.Pls.Logarithmic.R2)}</td>" +
                        $"<td>{l.Pls.Better}</td><td>{l.PlsComponents}</td><td>{N(l.PlsCrossValidatedR2)}</td></tr>");
        html.Append("</table>");
        return plots;
    }

    /// <summary>"blocks.3.hook_resid_post" → "3" when every hook is the same point of a different block.</summary>
    internal static string[] ShortNames(string[] hooks)
    {
        var matches = hooks.Select(h => BlockPattern().Match(h)).ToArray();
        return matches.All(m => m.Success) && matches.Select(m => m.Groups[2].Value).Distinct().Count() == 1
            ? matches.Select(m => m.Groups[1].Value).ToArray()
            : hooks;
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex BlockPattern();

    private static string N(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";
    private static string Est(Probing.Estimate e) => $"{N(e.Value)} [{N(e.Low)}, {N(e.High)}]";

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
