using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>The report's SAE section: FVU, L0 and dead fraction against tokens for every SAE of a run, and the final table.</summary>
public static class SaeSection
{
    private const int MaxPoints = 30;
    private static readonly string[] Colors = [HtmlPage.Blue, HtmlPage.Vermillion, HtmlPage.Green, HtmlPage.Purple, HtmlPage.Grey];

    /// <summary>The section for the folder's SAE run, if it has one.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var saes = results.Get<SaeSummary[]>("saes") ?? [];
        var curves = results.Get<SaeCurve[]>("saeCurves") ?? [];
        if (saes.Length > 0) yield return Render(saes, curves);
    }

    /// <summary>Renders the curves (one line per SAE) and the summary table.</summary>
    public static ReportSection Render(SaeSummary[] saes, SaeCurve[] curves)
    {
        var html = new StringBuilder("<h2>Sparse autoencoders</h2><p>Training curves (means over each logging window; FVU is the fraction of variance unexplained, L0 the active latents per token, dead the fraction of latents silent for the dead window).</p><div class=\"grid\">");
        var plots = 0;
        if (curves.Length > 0 && curves[0].Tokens.Length > 0)
        {
            var picks = Picks(curves[0].Tokens.Length);
            // A sweep on one hook: the legend needs only what differs (".topk.m64.k32").
            var prefix = curves.Length > 1 && saes.Select(x => x.Hook).Distinct().Count() == 1 && curves.All(c => c.Name.StartsWith(saes[0].Hook + ".", StringComparison.Ordinal))
                ? saes[0].Hook.Length + 1 : 0;
            var positions = picks.Select(i => Tokens(curves[0].Tokens[i])).ToArray();
            foreach (var (title, axis, select) in new (string, string, Func<SaeCurve, double[]>)[]
                     { ("FVU", "fvu", c => c.Fvu), ("L0", "active latents", c => c.L0), ("Dead fraction", "dead", c => c.DeadFraction) })
            {
                var chart = new LineChart(title, positions, "tokens", axis);
                for (var s = 0; s < curves.Length; s++)
                {
                    var values = select(curves[s]);
                    if (values.Length != curves[0].Tokens.Length) continue;
                    chart.Add(curves[s].Name[prefix..], Colors[s % Colors.Length], picks.Select(i => values[i]).ToArray(), dashed: s >= Colors.Length);
                }
                html.Append(chart.Render(title == "L0" ? null : 0));
                plots++;
            }
        }
        html.Append("</div><table><tr><th>SAE</th><th>hook</th><th>architecture</th><th>latents</th><th>k</th><th>FVU</th><th>L0</th><th>dead</th><th>tokens</th><th>tokens/s</th></tr>");
        foreach (var s in saes)
            html.Append(string.Create(CultureInfo.InvariantCulture,
                $"<tr><td>{HtmlPage.Escape(s.Name == "" ? s.Hook : s.Name)}</td><td>{HtmlPage.Escape(s.Hook)}</td><td>{s.Architecture}</td><td>{s.DSae}</td><td>{s.K}</td><td>{HtmlPage.Number(s.Fvu)}</td><td>{s.L0:0.0}</td><td>{HtmlPage.Number(s.DeadFraction)}</td><td>{s.Tokens:N0}</td><td>{s.TokensPerSecond:N0}</td></tr>"));
        html.Append("</table>");
        return new ReportSection(html.ToString(), plots);
    }

    private static int[] Picks(int n) => n <= MaxPoints ? Enumerable.Range(0, n).ToArray()
        : Enumerable.Range(0, MaxPoints).Select(i => (int)Math.Round(i * (n - 1) / (double)(MaxPoints - 1))).Distinct().ToArray();

    private static string Tokens(long t) => t >= 1_000_000 ? (t / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : t >= 1000 ? (t / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k" : t.ToString(CultureInfo.InvariantCulture);
}
