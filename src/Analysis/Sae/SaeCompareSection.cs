using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>
/// The report's SAE comparison section: best-cosine distributions and the pair table; per checkpoint series the number of
/// final latents matched at each step and their birth steps; effective features per layer and step next to d.
/// </summary>
public static class SaeCompareSection
{
    /// <summary>results.json entry: one <see cref="Summary"/> per compared pair.</summary>
    public const string PairsEntry = "saeCompare";
    /// <summary>results.json entry: one <see cref="Series"/> per hook with two or more SAEs.</summary>
    public const string TrajectoriesEntry = "saeTrajectories";
    /// <summary>results.json entry: one <see cref="SaeCompareEntry"/> per SAE.</summary>
    public const string FeatureCountsEntry = "saeFeatureCounts";

    private static readonly string[] Colors = [HtmlPage.Blue, HtmlPage.Vermillion, HtmlPage.Green, HtmlPage.Purple, HtmlPage.Grey];

    /// <summary>One compared pair, for the report.</summary>
    public sealed record Summary(string A, string B, string Label, string OneToOneMethod, double OneToOneMeanCosine, int Vanishing, int Appearing, double Threshold,
        long[] BestCosineHistogram, double? OneToOneMeanCorrelation, double? BestMatchAgreement, double? OneToOneAgreement, long CorrelationTokens)
    {
        /// <summary>The summary of a comparison; <paramref name="label"/> names the pair in the legend.</summary>
        public static Summary Of(SaeComparisonResult r, string label) => new(r.A, r.B, label, r.OneToOneMethod, r.OneToOneMeanCosine, r.Vanishing.Length, r.Appearing.Length,
            r.Threshold, r.BestCosineHistogram, r.Correlation?.OneToOneMeanCorrelation, r.Correlation?.BestMatchAgreement, r.Correlation?.OneToOneAgreement,
            r.Correlation?.Tokens ?? 0);
    }

    /// <summary>One checkpoint series, for the report: per step the matched final latents, their mean best cosine, and births.</summary>
    public sealed record Series(string Hook, string[] Saes, long[] Steps, double Threshold, int Features, int[] Matched, double[] MeanCosine, int[] BirthHistogram)
    {
        /// <summary>The summary of a trajectory.</summary>
        public static Series Of(SaeTrajectory t) => new(t.Hook, t.Saes, t.Steps, t.Threshold, t.BestMatch.Length, t.Matched, t.MeanCosine, t.BirthHistogram);
    }

    /// <summary>The section for the folder's <c>sae compare</c> results, if it has them.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var pairs = results.Get<Summary[]>(PairsEntry) ?? [];
        var series = results.Get<Series[]>(TrajectoriesEntry) ?? [];
        var counts = results.Get<SaeCompareEntry[]>(FeatureCountsEntry) ?? [];
        if (pairs.Length > 0 || series.Length > 0) yield return Render(pairs, series, counts);
    }

    private const int PairsPerChart = 10;

    /// <summary>Renders the charts and tables.</summary>
    public static ReportSection Render(Summary[] pairs, Series[] series, SaeCompareEntry[] counts)
    {
        var html = new StringBuilder("<h2>SAE comparison</h2><p>Latents matched by the cosine of their decoder rows (and, with data, by the Pearson correlation of their codes on the same tokens). " +
                                     "One-to-one: a matching that maximises the summed cosine (optimal assignment; greedy above " +
                                     SaeComparison.OptimalLimit.ToString("N0", CultureInfo.InvariantCulture) + " latents).</p><div class=\"grid\">");
        var plots = 0;
        if (pairs.Length > 0)
        {
            var bins = pairs[0].BestCosineHistogram.Length;
            string[] centres = [.. Enumerable.Range(0, bins).Select(i => (-1 + (i + 0.5) * 2.0 / bins).ToString("0.00", CultureInfo.InvariantCulture))];
            // Ten pairs a chart, so that every pair is drawn and each chart stays readable.
            for (var start = 0; start < pairs.Length; start += PairsPerChart)
            {
                var end = Math.Min(pairs.Length, start + PairsPerChart);
                var title = "Best cosine of each latent in the next SAE" + (pairs.Length > PairsPerChart ? $" (pairs {start + 1}–{end})" : "");
                var chart = new LineChart(title, centres, "best cosine", "latents");
                for (var p = start; p < end; p++)
                    if (pairs[p].BestCosineHistogram.Length == bins)
                        chart.Add(pairs[p].Label, Colors[(p - start) % Colors.Length], [.. pairs[p].BestCosineHistogram.Select(c => (double)c)], dashed: p - start >= Colors.Length);
                html.Append(chart.Render(0));
                plots++;
            }
        }
        foreach (var group in GroupBySteps(series, s => s.Steps))
        {
            var steps = group[0].Steps.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToArray();
            var matched = new LineChart("Final latents matched at each checkpoint", steps, "training step", "latents with cosine ≥ threshold");
            var births = new LineChart("Birth step of the final latents", steps, "training step", "latents born");
            var mean = new LineChart("Mean best cosine of the final latents", steps, "training step", "mean best cosine");
            var legend = Legend([.. group.Select(g => g.Hook)]);
            for (var s = 0; s < group.Length; s++)
            {
                matched.Add(legend[s], Colors[s % Colors.Length], [.. group[s].Matched.Select(v => (double)v)], dashed: s >= Colors.Length);
                births.Add(legend[s], Colors[s % Colors.Length], [.. group[s].BirthHistogram.Select(v => (double)v)], dashed: s >= Colors.Length);
                mean.Add(legend[s], Colors[s % Colors.Length], group[s].MeanCosine, dashed: s >= Colors.Length);
            }
            // The mean needs no threshold: where few latents clear it, this still shows the features converging.
            html.Append(matched.Render(0)).Append(births.Render(0)).Append(mean.Render(0, 1));
            plots += 3;
        }
        var measured = counts.Where(c => c.Tokens > 0).ToArray();
        var byHook = measured.GroupBy(c => c.Hook).Select(g => g.OrderBy(c => c.Step).ToArray()).Where(g => g.Length >= 2).ToArray();
        foreach (var group in GroupBySteps(byHook, g => [.. g.Select(c => c.Step)]))
        {
            var chart = new LineChart("Effective features exp(H) against training step", [.. group[0].Select(c => c.Step.ToString(CultureInfo.InvariantCulture))], "training step", "effective features");
            var legend = Legend([.. group.Select(g => g[0].Hook)]);
            for (var s = 0; s < group.Length; s++)
                chart.Add(legend[s], Colors[s % Colors.Length], [.. group[s].Select(c => c.EffectiveFeatures)], dashed: s >= Colors.Length);
            html.Append(chart.Render(0));
            plots++;
            if (group.Length >= 2)
            {
                var layers = group.OrderBy(g => g[0].Layer).ThenBy(g => g[0].Hook, StringComparer.Ordinal).ToArray();
                html.Append(new Heatmap("Effective features / d, layer × step", Legend([.. layers.Select(g => g[0].Hook)]), [.. group[0].Select(c => c.Step.ToString(CultureInfo.InvariantCulture))], "hook", "training step")
                    .Render([.. layers.Select(g => g.Select(c => c.EffectiveFeatures / c.DSae).ToArray())], 0, 1));
                plots++;
            }
        }
        html.Append("</div>");
        if (pairs.Length > 0)
        {
            html.Append("<table><tr><th>A</th><th>B</th><th>one-to-one</th><th>mean cosine</th><th>vanish</th><th>appear</th><th>mean correlation</th><th>best match agreement</th><th>one-to-one agreement</th><th>tokens</th></tr>");
            foreach (var p in pairs)
                html.Append(string.Create(CultureInfo.InvariantCulture,
                    $"<tr><td>{HtmlPage.Escape(p.A)}</td><td>{HtmlPage.Escape(p.B)}</td><td>{p.OneToOneMethod}</td><td>{HtmlPage.Number(p.OneToOneMeanCosine)}</td><td>{p.Vanishing}</td><td>{p.Appearing}</td><td>{Optional(p.OneToOneMeanCorrelation)}</td><td>{Optional(p.BestMatchAgreement)}</td><td>{Optional(p.OneToOneAgreement)}</td><td>{(p.CorrelationTokens > 0 ? p.CorrelationTokens.ToString("N0", CultureInfo.InvariantCulture) : "—")}</td></tr>"));
            html.Append("</table>");
        }
        foreach (var s in series)
        {
            html.Append(string.Create(CultureInfo.InvariantCulture, $"<table><tr><th>{HtmlPage.Escape(s.Hook)} (threshold {s.Threshold:0.00}, {s.Features} final latents)</th>"));
            foreach (var step in s.Steps) html.Append(string.Create(CultureInfo.InvariantCulture, $"<th>step {step}</th>"));
            html.Append("</tr>");
            void Row(string name, IEnumerable<string> cells) => html.Append($"<tr><td>{name}</td>{string.Concat(cells.Select(c => $"<td>{c}</td>"))}</tr>");
            Row("matched", s.Matched.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            Row("mean best cosine", s.MeanCosine.Select(HtmlPage.Number));
            Row("born", s.BirthHistogram.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            html.Append("</table>");
        }
        if (measured.Length > 0)
        {
            html.Append("<table><tr><th>SAE</th><th>hook</th><th>step</th><th>d</th><th>effective features exp(H)</th><th>exp(H) / d</th><th>H (nats)</th><th>L0</th><th>dead</th><th>tokens</th></tr>");
            foreach (var c in measured.OrderBy(c => c.Layer).ThenBy(c => c.Hook, StringComparer.Ordinal).ThenBy(c => c.Step))
                html.Append(string.Create(CultureInfo.InvariantCulture,
                    $"<tr><td>{HtmlPage.Escape(c.Sae)}</td><td>{HtmlPage.Escape(c.Hook)}</td><td>{c.Step}</td><td>{c.DSae}</td><td>{c.EffectiveFeatures:0.0}</td><td>{HtmlPage.Number(c.EffectiveFeatures / c.DSae)}</td><td>{c.ActivationEntropy:0.000}</td><td>{c.L0:0.0}</td><td>{HtmlPage.Number(c.DeadFraction)}</td><td>{c.Tokens:N0}</td></tr>"));
            html.Append("</table>");
        }
        return new ReportSection(html.ToString(), plots);
    }

    // Lines share a chart when their series have the same steps.
    private static T[][] GroupBySteps<T>(IEnumerable<T> items, Func<T, long[]> steps) =>
        [.. items.GroupBy(i => string.Join(',', steps(i))).Select(g => g.ToArray())];

    // "layer 3" where the hooks are one point of different blocks, else the hook names.
    private static string[] Legend(string[] hooks) =>
        HtmlPage.ShortNames(hooks) is var names && names != hooks ? [.. names.Select(n => n.All(char.IsAsciiDigit) ? "layer " + n : n)] : hooks;

    private static string Optional(double? v) => v is { } x ? HtmlPage.Number(x) : "—";

}
