namespace Analysis.Parquet;

/// <summary>A leaf column of a file: its path through the schema and the levels that encode its nesting.</summary>
public sealed class ParquetColumn
{
    /// <summary>Position among the file's leaf columns (the index of its chunk in every row group).</summary>
    public required int Index { get; init; }
    /// <summary>Names from the top-level field down to the leaf.</summary>
    public required IReadOnlyList<string> Path { get; init; }
    /// <summary>The schema nodes along <see cref="Path"/>, top-level field first, leaf last.</summary>
    public required IReadOnlyList<ParquetSchemaNode> Nodes { get; init; }
    /// <summary>The path joined with dots, e.g. "vec.list.element".</summary>
    public string DottedPath => string.Join('.', Path);
    /// <summary>The top-level field this column belongs to.</summary>
    public string FieldName => Path[0];
    /// <summary>The leaf node.</summary>
    public ParquetSchemaNode Leaf => Nodes[^1];
    /// <summary>The physical type of the stored values.</summary>
    public ParquetPhysicalType PhysicalType => Leaf.PhysicalType!.Value;
    /// <summary>The highest definition level (a value is present when its level equals this).</summary>
    public int MaxDefinitionLevel { get; init; }
    /// <summary>The highest repetition level (0 for a flat column).</summary>
    public int MaxRepetitionLevel { get; init; }
}
