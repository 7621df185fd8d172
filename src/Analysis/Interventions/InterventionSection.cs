using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Interventions;

/// <summary>The report's intervention sections: the activation-patching heatmap and the steering tables.</summary>
public static class InterventionSection
{
    /// <summary>One section per patching sweep, steering run and ablation sweep in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results) =>
        (results.Get<PatchingResult[]>(PatchingSweep.Entry) ?? []).Select(Render)
            .Concat((results.Get<SteeringResult[]>(SteeringExperiment.Entry) ?? []).Select(Render))
            .Concat((results.Get<AblationResult[]>(AblationSweep.Entry) ?? []).Select(Render));

    /// <summary>
    /// The ablation section: a layer × head heatmap of ΔCE when heads were ablated, bars of ΔCE per unit when several
    /// units were (up to 64), and the table.
    /// </summary>
    public static ReportSection Render(AblationResult r)
    {
        var html = new StringBuilder();
        var plots = 0;
        html.Append($"<h2>Ablation ({HtmlPage.Escape(r.Kind)})</h2>");
        html.Append($"<p>{r.Sequences} text(s), {r.Tokens} predicted tokens; clean next-token loss {HtmlPage.Number(r.CeLossClean)} nats per token" +
                    (r.MeanSource is { } m ? $"; means from {HtmlPage.Escape(m)}" : "") +
                    ". ΔCE is the loss with the unit ablated minus the clean loss; KL is KL(clean ‖ ablated) per token.</p>");
        if (r.HeadLayers is { } layers && r.HeadDeltaCe is { } grid)
        {
            var finite = grid.SelectMany(x => x).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
            html.Append(new Heatmap("ΔCE when one head is ablated (nats per token)", [.. layers.Select(l => $"layer {l}")],
                [.. Enumerable.Range(0, grid[0].Length).Select(h => $"head {h}")], "layer", "head").Render(grid, Math.Min(0, finite.Min()), Math.Max(finite.Max(), 1e-9)));
            plots++;
        }
        if (r.Units.Length > 1 && r.Units.Length <= 64)
        {
            html.Append(new BarChart("ΔCE per ablated unit (nats per token)", "ΔCE").Render([.. r.Units.Select(u => u.Label)], [.. r.Units.Select(u => u.DeltaCe)]));
            plots++;
        }
        html.Append("<table><tr><th>unit</th><th>CE</th><th>ΔCE</th><th>KL</th><th>targets: p (Δlogit)</th></tr>");
        html.Append($"<tr><td>clean</td><td>{HtmlPage.Number(r.CeLossClean)}</td><td>0</td><td>0</td><td>{HtmlPage.Escape(string.Join("  ", r.CleanTargets.Select(t => $"{t.Token} {t.Probability:0.000}")))}</td></tr>");
        foreach (var u in r.Units)
            html.Append($"<tr><td>{HtmlPage.Escape(u.Label)}</td><td>{HtmlPage.Number(u.CeLoss)}</td><td>{HtmlPage.Number(u.DeltaCe)}</td><td>{HtmlPage.Number(u.Kl)}</td><td>{HtmlPage.Escape(string.Join("  ", u.Targets.Select(t => $"{t.Token} {t.Probability:0.000} ({Math.Round(t.LogitChange, 2) + 0.0:+0.00;-0.00;0.00})")))}</td></tr>");
        html.Append("</table>");
        return new ReportSection(html.ToString(), plots);
    }

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
