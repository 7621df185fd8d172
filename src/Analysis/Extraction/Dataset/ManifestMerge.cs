namespace Analysis.Extraction.Dataset;

/// <summary>
/// Reconciles the progress of every shard into _manifest.json once all parts are complete. Extraction calls it when a
/// shard finishes (so the last shard of a job array writes the manifest); `analysis dataset merge-manifest` calls it by hand.
/// </summary>
public static class ManifestMerge
{
    /// <summary>The outcome: the manifest when complete, else the parts still missing.</summary>
    public sealed record Result(DatasetManifest? Manifest, IReadOnlyList<long> MissingParts);

    /// <summary>Writes _manifest.json if every part of <paramref name="dir"/> is complete; returns what it found.</summary>
    public static Result TryComplete(DatasetDirectory dir, string toolVersion, IReadOnlyList<string> commandLine)
    {
        var settings = dir.Settings;
        var done = dir.CompletedParts();
        var missing = new List<long>();
        for (long k = 0; k < settings.PartCount; k++) if (!done.ContainsKey(k)) missing.Add(k);
        if (missing.Count > 0) return new Result(null, missing);
        var layout = dir.Layout;
        var parts = done.Values.ToList();
        var manifest = new DatasetManifest
        {
            Settings = settings,
            Model = layout.Model,
            Hooks = layout.Hooks,
            Columns = layout.Columns,
            Parts = parts,
            Rows = parts.Sum(p => p.Rows),
            Examples = parts.Sum(p => p.Examples),
            Tokens = parts.Sum(p => p.Tokens),
            TruncatedExamples = parts.Sum(p => p.TruncatedExamples),
            Bytes = parts.Sum(p => p.Bytes),
            ToolVersion = toolVersion,
            CommandLine = commandLine,
            StartedAt = layout.StartedAt,
            FinishedAt = DateTimeOffset.UtcNow,
        };
        dir.WriteManifest(manifest);
        return new Result(manifest, []);
    }
}
