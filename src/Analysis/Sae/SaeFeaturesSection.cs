using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>The report's feature-dashboard section: the density histogram of the features and a table of a few of them, with a link to the dashboard.</summary>
public static class SaeFeaturesSection
{
    /// <summary>The section for the folder's <c>sae features</c> results, if it has them.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        if (results.Get<SaeFeaturesResult>("saeFeatures") is { } r) yield return Render(r, results.Directory);
    }

    /// <summary>Renders the density histogram and the highlights table.</summary>
    public static ReportSection Render(SaeFeaturesResult r, string folder)
    {
        var link = new Uri(Path.GetFullPath(Path.Combine(folder, r.Dashboard))).AbsoluteUri;
        var html = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<h2>SAE features</h2><p>{r.Features:N0} of {r.DSae:N0} features of {HtmlPage.Escape(r.Hook)} on {r.Tokens:N0} tokens ({r.Sequences:N0} texts); {r.Dead:N0} never fired. Logit effect through {HtmlPage.Escape(r.LogitEffect)}. Every feature's contexts, quantile samples, histogram and logit effect: <a href=\"{HtmlPage.Escape(link)}\">{HtmlPage.Escape(r.Dashboard)}</a>.</p><div class=\"grid\">"));
        var density = new LineChart("Feature density (live features)",
            [.. r.DensityHistogram.Select((_, i) => (r.DensityLog10Start + i * SaeDataMetrics.DensityBin).ToString("0.00", CultureInfo.InvariantCulture))], "log10 firing frequency", "features");
        density.Add("features", HtmlPage.Vermillion, [.. r.DensityHistogram.Select(c => (double)c)]);
        html.Append(density.Render(0));
        html.Append("</div><table><tr><th>feature</th><th>density</th><th>max activation</th><th>top tokens</th><th>top logit tokens</th></tr>");
        foreach (var h in r.Highlights)
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<tr><td>{h.Feature}</td><td>{h.Density:0.00e0}</td><td>{h.MaxActivation:0.00}</td><td>{HtmlPage.Escape(string.Join(" | ", h.TopTokens))}</td><td>{HtmlPage.Escape(string.Join(" | ", h.TopLogits))}</td></tr>"));
        html.Append("</table>");
        return new ReportSection(html.ToString(), 1);
    }
}
