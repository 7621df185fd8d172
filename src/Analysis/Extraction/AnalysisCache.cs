namespace Analysis.Extraction;

/// <summary>
/// Where the toolkit keeps what it derives and can rebuild (hooked graphs): $ANALYSIS_CACHE, else
/// $XDG_CACHE_HOME/analysis, else ~/.cache/analysis.
/// </summary>
public static class AnalysisCache
{
    /// <summary>The cache root (not created).</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable("ANALYSIS_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "analysis")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "analysis");

    /// <summary>A subfolder of the cache, created if missing.</summary>
    public static string Folder(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }
}
