using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>The report's function-token section: coverage of live latents by the fewest tokens, degree distributions, top tokens.</summary>
public static class FunctionTokensSection
{
    /// <summary>The section for the folder's <c>sae function-tokens</c> results, if it has them.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var entries = results.Get<FunctionTokensResult[]>(FunctionTokens.Entry) ?? [];
        foreach (var r in entries) yield return Render(r);
    }

    /// <summary>Renders one result: coverage curve, token and latent degree histograms, and the top tokens' table.</summary>
    public static ReportSection Render(FunctionTokensResult r)
    {
        var html = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<h2>Function tokens ({HtmlPage.Escape(r.Hook)})</h2><p>{r.Tokens:N0} tokens ({r.DistinctTokens:N0} distinct) of {HtmlPage.Escape(r.Sae)}; {r.LiveLatents:N0} of {r.Latents:N0} latents fire; {r.Edges:N0} token→latent edges. A token's degree is the number of distinct latents it activates (mean {r.MeanTokenDegree:0.0}). <b>{r.TokensFor50:N0}</b> tokens reach 50% of the live latents and <b>{r.TokensFor90:N0}</b> reach 90% (greedy cover; by frequency: {r.TokensFor50ByFrequency:N0} and {r.TokensFor90ByFrequency:N0}).</p><div class=\"grid\">"));
        var length = Math.Max(r.CoverageGreedy.Length, r.CoverageByFrequency.Length);
        var at = Ticks(length);
        var coverage = new LineChart("Live latents reached by the first n tokens", [.. at.Select(n => n.ToString(CultureInfo.InvariantCulture))], "tokens taken (n)", "fraction of live latents");
        coverage.Add("greedy cover", HtmlPage.Blue, [.. at.Select(n => Value(r.CoverageGreedy, n))]);
        coverage.Add("most frequent first", HtmlPage.Vermillion, [.. at.Select(n => Value(r.CoverageByFrequency, n))], dashed: true);
        html.Append(coverage.Render(0, 1));
        var bins = Math.Max(r.TokenDegreeHistogram.Length, r.FeatureDegreeHistogram.Length);
        var degrees = new LineChart("Degree distribution", [.. Enumerable.Range(0, bins).Select(FunctionTokenGraph.Log2BinLabel)], "degree (tokens: latents reached; latents: tokens reaching them)", "count");
        degrees.Add("tokens", HtmlPage.Blue, [.. Enumerable.Range(0, bins).Select(b => b < r.TokenDegreeHistogram.Length ? (double)r.TokenDegreeHistogram[b] : 0)]);
        degrees.Add("latents", HtmlPage.Green, [.. Enumerable.Range(0, bins).Select(b => b < r.FeatureDegreeHistogram.Length ? (double)r.FeatureDegreeHistogram[b] : 0)]);
        html.Append(degrees.Render(0));
        html.Append("</div><table><tr><th>token</th><th>id</th><th>degree</th><th>share of live latents</th><th>frequency</th><th>activation mass</th></tr>");
        foreach (var t in r.TopByDegree)
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<tr><td><code>{HtmlPage.Escape(t.Token)}</code></td><td>{t.TokenId}</td><td>{t.Degree:N0}</td><td>{HtmlPage.Number(t.DegreeFraction)}</td><td>{t.Frequency:N0}</td><td>{t.Mass:0.0}</td></tr>"));
        html.Append("</table>");
        return new ReportSection(html.ToString(), 2);
    }

    // 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, … up to the curve's end: a readable, roughly logarithmic axis.
    private static int[] Ticks(int length)
    {
        var ticks = new SortedSet<int>();
        for (var scale = 1; scale <= length; scale *= 10)
            foreach (var m in new[] { 1, 1.5, 2, 3, 5, 7 })
                if ((int)(m * scale) is var n && n >= 1 && n <= length) ticks.Add(n);
        if (length > 0) ticks.Add(length);
        return [.. ticks];
    }

    private static double Value(double[] curve, int n) => curve.Length == 0 ? 0 : curve[Math.Min(n, curve.Length) - 1];
}
