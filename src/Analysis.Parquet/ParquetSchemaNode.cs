namespace Analysis.Parquet;

/// <summary>One node of a file's schema tree: a group (with children) or a leaf column (with a physical type).</summary>
public sealed class ParquetSchemaNode
{
    /// <summary>The node's own name.</summary>
    public required string Name { get; init; }
    /// <summary>Required, optional or repeated (the root is required).</summary>
    public ParquetRepetition Repetition { get; init; }
    /// <summary>The physical type of a leaf; null for a group.</summary>
    public ParquetPhysicalType? PhysicalType { get; init; }
    /// <summary>Byte length of FIXED_LEN_BYTE_ARRAY values.</summary>
    public int TypeLength { get; init; }
    /// <summary>The logical type annotation, or one derived from the legacy converted type.</summary>
    public ParquetLogicalType? LogicalType { get; init; }
    /// <summary>The legacy converted type, if the file has one.</summary>
    public ParquetConvertedType? ConvertedType { get; init; }
    /// <summary>Child nodes of a group.</summary>
    public IReadOnlyList<ParquetSchemaNode> Children { get; init; } = [];
    /// <summary>Whether this is a leaf column.</summary>
    public bool IsLeaf => PhysicalType is not null;

    /// <summary>The node's type as parquet-tools prints it, e.g. "optional int64 id (INT(64,signed))".</summary>
    public string Describe()
    {
        string rep = Repetition.ToString().ToLowerInvariant();
        string type = PhysicalType switch
        {
            null => "group",
            ParquetPhysicalType.FixedLenByteArray => $"fixed_len_byte_array({TypeLength})",
            { } t => t.ToString().ToLowerInvariant() switch { "bytearray" => "binary", var s => s },
        };
        string annotation = LogicalType is { } lt ? $" ({lt})" : ConvertedType is { } ct ? $" ({ct.ToString().ToUpperInvariant()})" : "";
        return $"{rep} {type} {Name}{annotation}";
    }
}
