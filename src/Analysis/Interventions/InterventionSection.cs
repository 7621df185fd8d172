using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Interventions;

/// <summary>The report's intervention sections: the activation-patching heatmap and the steering tables.</summary>
public static class InterventionSection
{
    /// <summary>One section per patching sweep and per steering run in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results) =>
        (results.Get<PatchingResult[]>(PatchingSweep.Entry) ?? []).Select(Render)
            .Concat((results.Get<SteeringResult[]>(SteeringExperiment.Entry) ?? []).Select(Render));

    /// <summary>The patching heatmap: hooks × positions, each cell the fraction of the metric difference restored.</summary>
    public static ReportSection Render(PatchingResult r)
    {
        var html = new StringBuilder();
        html.Append("<h2>Activation patching</h2>");
        html.Append($"<p>{r.Pairs} clean/corrupted pair(s); metric: {HtmlPage.Escape(r.Metric)}, clean {HtmlPage.Number(r.CleanMetric)}, corrupted {HtmlPage.Number(r.CorruptedMetric)}. " +
                    "Each cell patches one hook at one position of the corrupted run with its clean value: 1 restores the clean metric, 0 changes nothing.</p>");
        var rows = HtmlPage.ShortNames(r.Hooks);
        html.Append(new Heatmap("Fraction of the logit difference restored", rows, r.Positions, "hook", "position (clean→corrupted token)").Render(r.Restored, Math.Min(0, r.Restored.SelectMany(x => x).Min()), Math.Max(1, r.Restored.SelectMany(x => x).Max())));
        return new ReportSection(html.ToString(), 1);
    }

    /// <summary>The steering table: per prompt and α, the target tokens' probabilities and logit changes and the top tokens.</summary>
    public static ReportSection Render(SteeringResult r)
    {
        var html = new StringBuilder();
        html.Append($"<h2>Steering: {HtmlPage.Escape(r.Hook)}</h2>");
        html.Append($"<p>Direction: {HtmlPage.Escape(r.Direction)}; added at {HtmlPage.Escape(r.Positions)} positions; next-token distribution at the last position.</p>");
        html.Append("<table><tr><th>prompt</th><th>α</th><th>KL from clean</th><th>targets: p (Δlogit)</th><th>top tokens</th></tr>");
        foreach (var p in r.Prompts)
        {
            html.Append($"<tr><td>{HtmlPage.Escape(p.Prompt)}</td><td>0</td><td>0</td><td></td><td>{HtmlPage.Escape(string.Join(" ", p.CleanTop.Select(t => t.Token)))}</td></tr>");
            foreach (var a in p.ByAlpha)
                html.Append($"<tr><td></td><td>{a.Alpha:g4}</td><td>{HtmlPage.Number(a.KlFromClean)}</td><td>{HtmlPage.Escape(string.Join("  ", a.Targets.Select(t => $"{t.Token} {t.Probability:0.000} ({t.LogitChange:+0.00;-0.00})")))}</td><td>{HtmlPage.Escape(string.Join(" ", a.Top.Select(t => t.Token)))}</td></tr>");
        }
        html.Append("</table>");
        return new ReportSection(html.ToString(), 0);
    }
}
