using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>The report's absorption section: absorption rate per letter, and a table of main and absorbing latents.</summary>
public static class AbsorptionSection
{
    /// <summary>The section for the folder's <c>sae absorption</c> results, if it has them.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var entries = results.Get<AbsorptionResult[]>(Absorption.Entry) ?? [];
        foreach (var r in entries) yield return Render(r);
    }

    /// <summary>Renders one result.</summary>
    public static ReportSection Render(AbsorptionResult r)
    {
        var html = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<h2>Feature absorption, first-letter task ({HtmlPage.Escape(r.Hook)})</h2><p>{HtmlPage.Escape(r.Sae)}: {r.Tokens:N0} lettered tokens ({r.Options.Split} split, {r.TestTokens:N0} measured); first-letter probe accuracy {r.ProbeAccuracy:0.000}; {r.EvaluatedLetters} letters measured. <b>Mean absorption rate {r.MeanAbsorptionRate:0.000}</b> (absorbed / false negatives of the main latents); mean full-absorption score {r.MeanFullAbsorptionScore:0.000} (absorbed / probe true positives, SAEBench's denominator); mean absorption fraction {r.MeanAbsorptionFraction:0.000}.</p>"));
        var measured = r.Letters.Where(l => l.Evaluated).ToArray();
        if (measured.Length > 0)
        {
            var chart = new LineChart("Absorption per letter", [.. measured.Select(l => l.Letter)], "first letter", "rate");
            chart.Add("absorption rate", HtmlPage.Vermillion, [.. measured.Select(l => l.AbsorptionRate)]);
            chart.Add("full-absorption score", HtmlPage.Purple, [.. measured.Select(l => l.FullAbsorptionScore)], dashed: true);
            chart.Add("main latents' F1", HtmlPage.Blue, [.. measured.Select(l => l.MainF1)]);
            html.Append("<div class=\"grid\">").Append(chart.Render(0, 1)).Append("</div>");
        }
        html.Append("<table><tr><th>letter</th><th>test tokens</th><th>probe F1</th><th>main latents (decoder cos)</th><th>main F1</th><th>false negatives</th><th>absorbed</th><th>absorption rate</th><th>absorbing latents (tokens: examples)</th></tr>");
        foreach (var l in r.Letters)
        {
            if (!l.Evaluated)
            {
                html.Append(string.Create(CultureInfo.InvariantCulture, $"<tr><td>{HtmlPage.Escape(l.Letter)}</td><td>{l.TestTokens:N0}</td><td>{HtmlPage.Number(l.ProbeF1)}</td><td colspan=\"6\">not measured: {HtmlPage.Escape(l.Skipped ?? "")}</td></tr>"));
                continue;
            }
            var main = string.Join(", ", l.MainFeatures.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"{f} ({l.MainDecoderCosine[i]:0.00})")));
            var absorbing = string.Join("; ", l.AbsorbingFeatures.Take(5).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Feature} ({a.Tokens}: {string.Join(", ", a.Examples.Take(3).Select(t => $"“{t}”"))})")));
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<tr><td>{HtmlPage.Escape(l.Letter)}</td><td>{l.TestTokens:N0}</td><td>{HtmlPage.Number(l.ProbeF1)}</td><td>{main}</td><td>{HtmlPage.Number(l.MainF1)}</td><td>{l.FalseNegatives:N0}</td><td>{l.Absorbed:N0}</td><td>{HtmlPage.Number(l.AbsorptionRate)}</td><td>{HtmlPage.Escape(absorbing)}</td></tr>"));
        }
        html.Append("</table>");
        return new ReportSection(html.ToString(), measured.Length > 0 ? 1 : 0);
    }
}
