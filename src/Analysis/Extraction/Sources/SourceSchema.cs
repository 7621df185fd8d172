namespace Analysis.Extraction.Sources;

/// <summary>The type a label column of the input keeps in the activation dataset.</summary>
public enum LabelType
{
    /// <summary>Whole numbers (INT64).</summary>
    Int64,
    /// <summary>Other numbers (DOUBLE).</summary>
    Double,
    /// <summary>true/false (BOOLEAN).</summary>
    Boolean,
    /// <summary>Anything else (STRING).</summary>
    String,
}

/// <summary>A label column passed through from the input to every row extracted from an example.</summary>
public sealed record LabelColumn(string Name, LabelType Type);

/// <summary>What a first pass over the input learned: row count, content hash, and the label columns with their types.</summary>
public sealed record SourceSchema(string Path, long Rows, string Sha256, IReadOnlyList<LabelColumn> Labels);
