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
        var rows = HtmlPage.ShortNames(p.Hooks);
        foreach (var (label, names, pick) in BySize(p.Checkpoints))
        {
            html.Append(new Heatmap($"Probe accuracy, layer × step{label}", rows, names, "layer", "training step").Render(pick(p.Accuracy)));
            html.Append(new Heatmap($"Selectivity, layer × step{label}", rows, names, "layer", "training step").Render(pick(p.Selectivity)));
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

    /// <summary>
    /// Per size of the family: " (size)" for titles, the training steps as column names, and a function that keeps a
    /// hook × checkpoint table's columns of that size.
    /// </summary>
    internal static IEnumerable<(string Label, string[] Steps, Func<double[][], double[][]> Pick)> BySize(FamilyDataset[] checkpoints)
    {
        foreach (var size in checkpoints.Select(c => c.Size).Distinct())
        {
            var cols = Enumerable.Range(0, checkpoints.Length).Where(i => checkpoints[i].Size == size).ToArray();
            var names = cols.Select(i => checkpoints[i].Step >= 0 ? checkpoints[i].Step.ToString(CultureInfo.InvariantCulture) : checkpoints[i].Name).ToArray();
            yield return (size.Length > 0 ? $" ({size})" : "", names, t => t.Select(row => cols.Select(i => row[i]).ToArray()).ToArray());
        }
    }
}
