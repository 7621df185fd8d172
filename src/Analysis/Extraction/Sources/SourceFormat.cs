namespace Analysis.Extraction.Sources;

/// <summary>The input formats `analysis extract --data` accepts.</summary>
public enum SourceFormat
{
    /// <summary>One JSON object per line.</summary>
    JsonLines,
    /// <summary>Comma-separated values with a header row.</summary>
    Csv,
    /// <summary>Tab-separated values with a header row.</summary>
    Tsv,
    /// <summary>Plain text: one example per line.</summary>
    TextLines,
    /// <summary>A folder of .txt files: one example per file.</summary>
    TextFiles,
    /// <summary>A Parquet file with a string text column.</summary>
    Parquet,
}

/// <summary>Chooses the format of an input path from its extension (or a folder of .txt files).</summary>
public static class SourceFormats
{
    /// <summary>The format for <paramref name="path"/>; throws <see cref="ArgumentException"/> for an unknown extension.</summary>
    public static SourceFormat Detect(string path)
    {
        if (Directory.Exists(path)) return SourceFormat.TextFiles;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => SourceFormat.JsonLines,
            ".csv" => SourceFormat.Csv,
            ".tsv" or ".tab" => SourceFormat.Tsv,
            ".txt" or ".text" => SourceFormat.TextLines,
            ".parquet" => SourceFormat.Parquet,
            var ext => throw new BadInputException(
                $"Cannot tell the format of '{path}' from its extension '{ext}': use .jsonl, .csv, .tsv, .txt, .parquet, or a folder of .txt files."),
        };
    }
}
