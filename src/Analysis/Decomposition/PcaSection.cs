using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Decomposition;

/// <summary>The report's PCA section: each scatter of rows on the first two principal axes, coloured by label.</summary>
public static class PcaSection
{
    /// <summary>The results.json entry PCA scatters are stored under.</summary>
    public const string Entry = "scatters";

    /// <summary>The section for the folder's scatters, if it has any.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results)
    {
        var scatters = results.Get<PcaScatter[]>(Entry) ?? [];
        if (scatters.Length == 0) yield break;
        var html = new StringBuilder("<h2>PCA of activations, coloured by label</h2><div class=\"grid\">");
        foreach (var s in scatters)
            html.Append(new ScatterChart($"{s.Hook}: PC1 vs PC2 ({s.Label})",
                    $"PC1 ({s.ExplainedVarianceRatio[0]:P1} of variance)",
                    s.ExplainedVarianceRatio.Length > 1 ? $"PC2 ({s.ExplainedVarianceRatio[1]:P1})" : "PC2")
                .Points(s.X, s.Y, s.Labels).Render());
        html.Append("</div>");
        yield return new ReportSection(html.ToString(), scatters.Length);
    }
}
