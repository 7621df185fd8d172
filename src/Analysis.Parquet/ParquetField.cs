namespace Analysis.Parquet;

/// <summary>What a writer column holds.</summary>
public enum ParquetFieldKind
{
    Int32, Int64, Float, Double, Boolean, String,
    /// <summary>INT32 days since 1970-01-01 (logical type DATE).</summary>
    Date,
    /// <summary>INT64 microseconds since 1970-01-01 UTC (logical type TIMESTAMP(MICROS, UTC)).</summary>
    Timestamp,
    /// <summary>Fixed-length vector stored as LIST&lt;FLOAT&gt; (standard 3-level layout).</summary>
    FloatVector,
    /// <summary>Fixed-length vector stored as LIST&lt;FLOAT16&gt; (FIXED_LEN_BYTE_ARRAY(2) elements).</summary>
    Float16Vector,
}

/// <summary>One column of a file to write: its name, kind, nullability, and (for vectors) its fixed length.</summary>
public sealed record ParquetField(string Name, ParquetFieldKind Kind, bool Nullable = false, int Dimension = 0)
{
    public static ParquetField Int32(string name, bool nullable = false) => new(name, ParquetFieldKind.Int32, nullable);
    public static ParquetField Int64(string name, bool nullable = false) => new(name, ParquetFieldKind.Int64, nullable);
    public static ParquetField Float(string name, bool nullable = false) => new(name, ParquetFieldKind.Float, nullable);
    public static ParquetField Double(string name, bool nullable = false) => new(name, ParquetFieldKind.Double, nullable);
    public static ParquetField Boolean(string name, bool nullable = false) => new(name, ParquetFieldKind.Boolean, nullable);
    public static ParquetField String(string name, bool nullable = false) => new(name, ParquetFieldKind.String, nullable);
    public static ParquetField Date(string name, bool nullable = false) => new(name, ParquetFieldKind.Date, nullable);
    public static ParquetField Timestamp(string name, bool nullable = false) => new(name, ParquetFieldKind.Timestamp, nullable);
    /// <summary>A LIST&lt;FLOAT&gt; column whose every row holds exactly <paramref name="dimension"/> floats.</summary>
    public static ParquetField FloatVector(string name, int dimension, bool nullable = false) => new(name, ParquetFieldKind.FloatVector, nullable, dimension);
    /// <summary>A LIST&lt;FLOAT16&gt; column whose every row holds exactly <paramref name="dimension"/> half floats.</summary>
    public static ParquetField Float16Vector(string name, int dimension, bool nullable = false) => new(name, ParquetFieldKind.Float16Vector, nullable, dimension);

    internal bool IsVector => Kind is ParquetFieldKind.FloatVector or ParquetFieldKind.Float16Vector;
}
