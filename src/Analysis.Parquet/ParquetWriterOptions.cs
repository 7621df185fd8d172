namespace Analysis.Parquet;

/// <summary>How a <see cref="ParquetWriter"/> lays out and compresses the file.</summary>
public sealed record ParquetWriterOptions
{
    /// <summary>Page compression; Snappy is what DuckDB and Spark write by default.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;
    /// <summary>A row group is flushed once the buffered (compressed) column data reaches this many bytes; memory use is bounded by it.</summary>
    public long RowGroupSize { get; init; } = 128L << 20;
    /// <summary>Target uncompressed size of a data page; pages always end at a row boundary.</summary>
    public int PageSize { get; init; } = 1 << 20;
    /// <summary>Data page format: 1 (the widely read default) or 2.</summary>
    public int DataPageVersion { get; init; } = 1;
    /// <summary>Dictionary-encode string columns (falls back to PLAIN within a row group once the dictionary passes 1 MiB).</summary>
    public bool DictionaryEncoding { get; init; } = true;
    /// <summary>Key-value metadata stored in the footer.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    /// <summary>The footer's created_by string.</summary>
    public string CreatedBy { get; init; } = "Analysis.Parquet version 0.1.0";
}
