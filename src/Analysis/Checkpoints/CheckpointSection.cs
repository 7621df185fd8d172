using System.Globalization;
using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Checkpoints;

/// <summary>The report's across-training section: per size, layer × training-step heatmaps of probe accuracy and selectivity, and the table.</summary>
public static class CheckpointSection
{
    /// <summary>The results.json entry checkpoint sweeps are stored under.</summary>
    public const string Entry = "checkpointProbes";

    /// <summary>One section per checkpoint sweep in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results) =>
        (results.Get<CheckpointProbes[]>(Entry) ?? []).Select(Render);

    /// <summary>The section for one sweep.</summary>
    public static ReportSection Render(CheckpointProbes p)
    {
        var html = new StringBuilder($"<h2>Probe across training: {HtmlPage.Escape(p.Label)}</h2>");
        html.Append("<p>The same probe sweep on every checkpoint of the family (same examples, same split seeds). Columns are training steps; " +
                    "selectivity = accuracy − control-task accuracy.</p><div class=\"grid\">");
        var plots = 0;
        foreach (var size in p.Checkpoints.Select(c => c.Size).Distinct())
        {
            var cols = Enumerable.Range(0, p.Checkpoints.Length).Where(i => p.Checkpoints[i].Size == size).ToArray();
            var names = cols.Select(i => p.Checkpoints[i].Step >= 0 ? p.Checkpoints[i].Step.ToString(CultureInfo.InvariantCulture) : p.Checkpoints[i].Name).ToArray();
            var label = size.Length > 0 ? $" ({size})" : "";
            double[][] Pick(double[][] t) => t.Select(row => cols.Select(i => row[i]).ToArray()).ToArray();
            html.Append(new Heatmap($"Probe accuracy, layer × step{label}", p.Hooks, names, "layer", "training step").Render(Pick(p.Accuracy)));
            html.Append(new Heatmap($"Selectivity, layer × step{label}", p.Hooks, names, "layer", "training step").Render(Pick(p.Selectivity)));
            plots += 2;
        }
        html.Append("</div><table><tr><th>accuracy (selectivity)</th>");
        foreach (var c in p.Checkpoints) html.Append($"<th>{HtmlPage.Escape(c.Name)}</th>");
        html.Append("</tr>");
        for (var h = 0; h < p.Hooks.Length; h++)
        {
            html.Append($"<tr><td>{HtmlPage.Escape(p.Hooks[h])}</td>");
            for (var c = 0; c < p.Checkpoints.Length; c++) html.Append($"<td>{HtmlPage.Number(p.Accuracy[h][c])} ({HtmlPage.Number(p.Selectivity[h][c])})</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        return new ReportSection(html.ToString(), plots);
    }
}
