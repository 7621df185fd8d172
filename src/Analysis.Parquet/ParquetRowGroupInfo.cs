namespace Analysis.Parquet;

/// <summary>What the footer says about one row group: its size and each column's statistics.</summary>
public sealed class ParquetRowGroupInfo
{
    /// <summary>Position of the row group in the file.</summary>
    public required int Index { get; init; }
    /// <summary>Rows in the row group.</summary>
    public required long RowCount { get; init; }
    /// <summary>Compressed bytes of all its column chunks.</summary>
    public required long CompressedSize { get; init; }
    /// <summary>Per leaf column (same order as <see cref="ParquetReader.Columns"/>): min, max, null count where the file has them.</summary>
    public required IReadOnlyList<ParquetStatistics> Statistics { get; init; }
}

/// <summary>Min/max (converted by the column's logical type) and null count of a column chunk; null where the file does not say.</summary>
public sealed record ParquetStatistics(object? Min, object? Max, long? NullCount, ParquetCompression Codec, long CompressedSize, long UncompressedSize, IReadOnlyList<string> Encodings);
