namespace Analysis.Parquet;

/// <summary>How a column's values are stored on disk (Parquet's physical types; numbers match the format).</summary>
public enum ParquetPhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
}
