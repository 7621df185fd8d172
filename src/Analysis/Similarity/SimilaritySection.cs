using System.Text;
using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Similarity;

/// <summary>The report's similarity section: layer × layer heatmaps of linear CKA and RSA, and the CKA table.</summary>
public static class SimilaritySection
{
    /// <summary>The results.json entry similarity runs are stored under.</summary>
    public const string Entry = "similarity";

    /// <summary>One section per comparison in the folder's results.</summary>
    public static IEnumerable<ReportSection> Read(ResultsFile results) =>
        (results.Get<SimilarityResult[]>(Entry) ?? []).Select(Render);

    /// <summary>The section for one comparison.</summary>
    public static ReportSection Render(SimilarityResult r)
    {
        var (nameA, nameB) = (Name(r.A), Name(r.B));
        if (nameA == nameB && r.A != r.B) (nameA, nameB) = ($"A ({nameA})", $"B ({nameB})");
        var html = new StringBuilder($"<h2>Layer similarity: A = {HtmlPage.Escape(nameA)}, B = {HtmlPage.Escape(nameB)}</h2>");
        html.Append($"<p>Linear CKA over {r.Rows:N0} aligned rows (same example and position in both; centred, feature-space form). ");
        html.Append(r.Rsa is null ? "RSA was not run.</p>"
            : $"RSA: Spearman's ρ between {r.RsaDistance}-distance dissimilarity matrices of {r.RsaRows:N0} evenly spaced rows.</p>");
        html.Append("<div class=\"grid\">");
        html.Append(new Heatmap("Linear CKA (rows: A, columns: B)", r.HooksA, r.HooksB, Short("A", nameA), Short("B", nameB)).Render(r.Cka, 0, 1));
        if (r.Rsa is not null)
            html.Append(new Heatmap($"RSA, Spearman ρ ({r.RsaDistance} distance)", r.HooksA, r.HooksB, Short("A", nameA), Short("B", nameB)).Render(r.Rsa, Math.Min(0, r.Rsa.SelectMany(x => x).Where(double.IsFinite).DefaultIfEmpty(0).Min()), 1));
        html.Append("</div><table><tr><th>CKA</th>");
        foreach (var h in r.HooksB) html.Append($"<th>{HtmlPage.Escape(h)}</th>");
        html.Append("</tr>");
        for (var a = 0; a < r.HooksA.Length; a++)
        {
            html.Append($"<tr><td>{HtmlPage.Escape(r.HooksA[a])}</td>");
            foreach (var v in r.Cka[a]) html.Append($"<td>{HtmlPage.Number(v)}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        return new ReportSection(html.ToString(), r.Rsa is null ? 1 : 2);
    }

    private static string Short(string side, string name) => $"{side}: {(name.Length > 40 ? "…" + name[^39..] : name)}";

    // A dataset's name for titles: its folder, with the parent when the folder is a generic "activations".
    private static string Name(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var name = Path.GetFileName(full);
        var parent = Path.GetFileName(Path.GetDirectoryName(full) ?? "");
        return string.IsNullOrEmpty(parent) ? name : $"{parent}/{name}";
    }
}
