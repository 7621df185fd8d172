using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>The report's across-training sections for PCA and the number line: per metric and size, a layer × training-step heatmap, and the table.</summary>
public static class CheckpointMetricSection
{
    /// <summary>One section per across-checkpoint analysis in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        if (results.Get<CheckpointMetric[]>(CheckpointPca.Entry) is { Length: > 0 } pca) yield return Render("PCA across training", pca);
        if (results.Get<CheckpointMetric[]>(CheckpointNumberLine.Entry) is { Length: > 0 } lines) yield return Render("Number line across training", lines);
    }

    /// <summary>The section for one analysis's metrics (all over the same hooks and checkpoints).</summary>
    public static ReportSection Render(string heading, CheckpointMetric[] metrics)
    {
        var html = new StringBuilder($"<h2>{HtmlPage.Escape(heading)}</h2><p>The same analysis on every checkpoint of the family (same examples). Columns are training steps.</p><ul>");
        foreach (var m in metrics) html.Append($"<li><b>{HtmlPage.Escape(m.Title)}</b>: {HtmlPage.Escape(m.Description)}</li>");
        html.Append("</ul><div class=\"grid\">");
        var plots = 0;
        foreach (var m in metrics)
            foreach (var (label, steps, pick) in CheckpointSection.BySize(m.Checkpoints))
            {
                html.Append(new Heatmap($"{m.Title}{label}", HtmlPage.ShortNames(m.Hooks), steps, "layer", "training step").Render(pick(m.Values), 0, 1));
                plots++;
            }
        html.Append("</div>");
        foreach (var m in metrics)
        {
            html.Append($"<table><tr><th>{HtmlPage.Escape(m.Title)}</th>");
            foreach (var c in m.Checkpoints) html.Append($"<th>{HtmlPage.Escape(c.Name)}</th>");
            html.Append("</tr>");
            for (var h = 0; h < m.Hooks.Length; h++)
            {
                html.Append($"<tr><td>{HtmlPage.Escape(m.Hooks[h])}</td>");
                foreach (var v in m.Values[h]) html.Append($"<td>{HtmlPage.Number(v)}</td>");
                html.Append("</tr>");
            }
            html.Append("</table>");
        }
        return new ReportSection(html.ToString(), plots);
    }
}
