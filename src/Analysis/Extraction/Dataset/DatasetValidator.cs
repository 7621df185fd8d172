using Analysis.Parquet;

namespace Analysis.Extraction.Dataset;

/// <summary>Checks an activation dataset against its own records: every part present, of the recorded size, checksum and row count.</summary>
public static class DatasetValidator
{
    /// <summary>What validation found.</summary>
    public sealed record Report(
        string Path, ExtractionSettings Settings, IReadOnlyList<HookRecord> Hooks, bool Complete,
        long PartsExpected, long PartsComplete, long Rows, long Bytes, IReadOnlyList<string> Problems);

    /// <summary>Validates <paramref name="dir"/>; with <paramref name="checksums"/> it also rereads every file's SHA-256 and Parquet footer.</summary>
    public static Report Validate(DatasetDirectory dir, bool checksums = true)
    {
        var settings = dir.Settings;
        var manifest = dir.ReadManifest();
        var parts = manifest?.Parts ?? dir.CompletedParts().Values.ToList();
        var hooks = manifest?.Hooks ?? dir.Layout.Hooks;
        var problems = new List<string>();
        foreach (var part in parts)
        {
            var path = dir.PartPath(part.Part);
            var info = new FileInfo(path);
            if (!info.Exists) { problems.Add($"{part.File} is listed but missing."); continue; }
            if (info.Length != part.Bytes) { problems.Add($"{part.File} has {info.Length:N0} bytes, {part.Bytes:N0} recorded."); continue; }
            if (!checksums) continue;
            if (DatasetDirectory.Sha256Of(path) != part.Sha256) { problems.Add($"{part.File}: SHA-256 differs from the recorded one (the file changed after it was written)."); continue; }
            try
            {
                using var reader = ParquetReader.Open(path);
                if (reader.RowCount != part.Rows) problems.Add($"{part.File} holds {reader.RowCount:N0} rows, {part.Rows:N0} recorded.");
                foreach (var hook in hooks)
                    if (!reader.Columns.Any(c => c.FieldName == hook.Name))
                        problems.Add($"{part.File} lacks the column '{hook.Name}'.");
            }
            catch (Exception e) when (e is ParquetFormatException or InvalidDataException) { problems.Add(e.Message); }
        }
        if (manifest is not null && manifest.Parts.Count != settings.PartCount)
            problems.Add($"the manifest lists {manifest.Parts.Count} parts; the settings make {settings.PartCount}.");
        return new Report(dir.Path, settings, hooks, manifest is not null, settings.PartCount, parts.Count,
            parts.Sum(p => p.Rows), parts.Sum(p => p.Bytes), problems);
    }
}
