namespace Analysis.Parquet;

/// <summary>How a <see cref="ParquetWriter"/> lays out and compresses the file.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>Page compression; Snappy is what DuckDB and Spark write by default.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;
    /// <summary>A row group is flushed once its (compressed) column data reaches this many bytes.</summary>
    public long RowGroupSize { get; init; } = 128L << 20;
    /// <summary>
    /// Bytes of finished pages a column keeps in memory before moving them to a temporary file beside the output
    /// (deleted when the writer closes). A row group's column chunks must each be contiguous in the file, so without
    /// spilling a writer holds a whole row group; with it, about a page per column.
    /// </summary>
    public int ColumnMemoryLimit { get; init; } = 1 << 20;
    /// <summary>Target uncompressed size of a data page; pages always end at a row boundary.</summary>
    public int PageSize { get; init; } = 1 << 20;
    /// <summary>
    /// Most rows in a data page (parquet-mr's default). Narrow columns would otherwise buffer a megabyte of values
    /// before their first page, and readers skip pages by row range.
    /// </summary>
    public int PageRowLimit { get; init; } = 20_000;
    /// <summary>Data page format: 1 (the widely read default) or 2.</summary>
    public int DataPageVersion { get; init; } = 1;
    /// <summary>Dictionary-encode string columns (falls back to PLAIN within a row group once the dictionary passes 1 MiB).</summary>
    public bool DictionaryEncoding { get; init; } = true;
    /// <summary>Key-value metadata stored in the footer.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>The footer's created_by string.</summary>
    public string CreatedBy { get; init; } = "Analysis.Parquet version 0.1.0";
}
