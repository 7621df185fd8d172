using Analysis.Plots;
using Analysis.Results;

namespace Analysis.Reports;

/// <summary>One self-contained HTML page from the output folders of any analyses (see <see cref="ReportSources"/>).</summary>
public static class HtmlReport
{
    /// <summary>The page for the folders' results, in the order of <see cref="ReportSources"/> and then of the folders.</summary>
    public static string Render(IReadOnlyList<string> directories, string title = "Analysis report")
    {
        var results = directories.Select(d => ResultsFile.TryLoad(d)
            ?? throw new FileNotFoundException($"{d} has no {ResultsFile.FileName}; pass output folders of analysis commands (probe, pca, pls, …).",
                Path.Combine(d, ResultsFile.FileName))).ToArray();
        var sections = ReportSources.All.SelectMany(source => results.SelectMany(source)).ToArray();
        return HtmlPage.Render(title, sections, MergeMetadata(results));
    }

    /// <summary>Writes the page for the folders' results to a file (atomically).</summary>
    public static void Write(IReadOnlyList<string> directories, string path, string title = "Analysis report")
    {
        var html = Render(directories, title);
        File.WriteAllText(path + ".tmp", html);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    // One table for all runs: a key that two runs give different values gets the run's number.
    private static Dictionary<string, string> MergeMetadata(ResultsFile[] runs)
    {
        var metadata = new Dictionary<string, string>();
        for (var r = 0; r < runs.Length; r++)
            foreach (var (k, v) in runs[r].Metadata)
                if (!metadata.TryAdd(k, v) && metadata[k] != v) metadata[$"{k} (run {r + 1})"] = v;
        return metadata;
    }
}
