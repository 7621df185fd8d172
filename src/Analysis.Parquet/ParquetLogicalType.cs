namespace Analysis.Parquet;

/// <summary>What a column's values mean (Parquet's logical type annotation, with the legacy converted types mapped onto it).</summary>
public sealed record ParquetLogicalType
{
    /// <summary>The kind of annotation.</summary>
    public required ParquetLogicalKind Kind { get; init; }
    /// <summary>For INTEGER: 8, 16, 32 or 64.</summary>
    public int BitWidth { get; init; }
    /// <summary>For INTEGER: whether the value is signed.</summary>
    public bool IsSigned { get; init; } = true;
    /// <summary>For TIME and TIMESTAMP: the unit.</summary>
    public ParquetTimeUnit Unit { get; init; }
    /// <summary>For TIME and TIMESTAMP: whether the value is UTC-normalised.</summary>
    public bool IsAdjustedToUtc { get; init; }
    /// <summary>For DECIMAL: digits after the point.</summary>
    public int Scale { get; init; }
    /// <summary>For DECIMAL: total digits.</summary>
    public int Precision { get; init; }

    public static readonly ParquetLogicalType String = new() { Kind = ParquetLogicalKind.String };
    public static readonly ParquetLogicalType List = new() { Kind = ParquetLogicalKind.List };
    public static readonly ParquetLogicalType Float16 = new() { Kind = ParquetLogicalKind.Float16 };
    public static readonly ParquetLogicalType Date = new() { Kind = ParquetLogicalKind.Date };

    /// <summary>An integer annotation (INT(8|16|32|64, signed|unsigned)).</summary>
    public static ParquetLogicalType Integer(int bitWidth, bool signed) => new() { Kind = ParquetLogicalKind.Integer, BitWidth = bitWidth, IsSigned = signed };

    /// <summary>A timestamp annotation.</summary>
    public static ParquetLogicalType Timestamp(ParquetTimeUnit unit, bool adjustedToUtc) => new() { Kind = ParquetLogicalKind.Timestamp, Unit = unit, IsAdjustedToUtc = adjustedToUtc };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ParquetLogicalKind.Integer => $"INT({BitWidth},{(IsSigned ? "signed" : "unsigned")})",
        ParquetLogicalKind.Timestamp => $"TIMESTAMP({Unit.ToString().ToUpperInvariant()},{(IsAdjustedToUtc ? "UTC" : "local")})",
        ParquetLogicalKind.Time => $"TIME({Unit.ToString().ToUpperInvariant()},{(IsAdjustedToUtc ? "UTC" : "local")})",
        ParquetLogicalKind.Decimal => $"DECIMAL({Precision},{Scale})",
        _ => Kind.ToString().ToUpperInvariant(),
    };
}

/// <summary>Kinds of logical type annotation.</summary>
public enum ParquetLogicalKind { String, Map, List, Enum, Decimal, Date, Time, Timestamp, Integer, Unknown, Json, Bson, Uuid, Float16, Variant, Geometry, Geography }
