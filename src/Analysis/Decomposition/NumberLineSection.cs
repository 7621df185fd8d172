using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Decomposition;

/// <summary>The report's number-line section: R² of linear and log fits by layer, and each layer's PLS scatter.</summary>
public static class NumberLineSection
{
    /// <summary>The results.json entry number-line analyses are stored under.</summary>
    public const string Entry = "numberLines";

    /// <summary>The section for the folder's number-line analyses, if it has any.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var layers = results.Get<NumberLineResult[]>(Entry) ?? [];
        if (layers.Length > 0) yield return Render(layers);
    }

    /// <summary>The section for one analysis, one result per layer.</summary>
    public static ReportSection Render(NumberLineResult[] layers)
    {
        var html = new StringBuilder();
        var names = HtmlPage.ShortNames(layers.Select(l => l.Hook).ToArray());
        html.Append("<h2>Number line: linear or logarithmic?</h2><p>Per layer, the first PCA and PLS components regressed on the number and on its logarithm (R² of each fit).</p><div class=\"grid\">");
        double[] V(Func<NumberLineResult, double> f) => layers.Select(f).ToArray();
        html.Append(new LineChart("R² of the first component on the number", names, "layer", "R²")
            .Add("PLS ~ log(n)", HtmlPage.Blue, V(l => l.Pls.Logarithmic.R2))
            .Add("PLS ~ n", HtmlPage.Blue, V(l => l.Pls.Linear.R2), dashed: true)
            .Add("PCA ~ log(n)", HtmlPage.Vermillion, V(l => l.Pca.Logarithmic.R2))
            .Add("PCA ~ n", HtmlPage.Vermillion, V(l => l.Pca.Linear.R2), dashed: true)
            .Render(0, 1));
        var plots = 1;
        foreach (var l in layers)
        {
            var log = l.Pls.Better == "log";
            var xs = log ? l.SampleValues.Select(v => Math.Log(v)).ToArray() : l.SampleValues;
            var fit = log ? l.Pls.Logarithmic : l.Pls.Linear;
            html.Append(new ScatterChart($"{l.Hook}: PLS component 1 ({l.Pls.Better} fits better)", log ? "log(number)" : "number", "PLS score")
                .Points(xs, l.SamplePlsScores, l.SampleValues.Select(_ => "tokens").ToArray())
                .Line($"fit R²={fit.R2:0.000}", HtmlPage.Vermillion, v => fit.Slope * v + fit.Intercept)
                .Render());
            plots++;
        }
        html.Append("</div><table><tr><th>hook</th><th>rows</th><th>PCA R² linear</th><th>PCA R² log</th><th>PLS R² linear</th><th>PLS R² log</th><th>better (PLS)</th><th>PLS components (CV)</th><th>PLS CV R²</th></tr>");
        foreach (var l in layers)
            html.Append($"<tr><td>{HtmlPage.Escape(l.Hook)}</td><td>{l.Rows}</td><td>{N(l.Pca.Linear.R2)}</td><td>{N(l.Pca.Logarithmic.R2)}</td><td>{N(l.Pls.Linear.R2)}</td><td>{N(l.Pls.Logarithmic.R2)}</td>" +
                        $"<td>{l.Pls.Better}</td><td>{l.PlsComponents}</td><td>{N(l.PlsCrossValidatedR2)}</td></tr>");
        html.Append("</table>");
        return new ReportSection(html.ToString(), plots);
    }

    private static string N(double v) => HtmlPage.Number(v);
}
