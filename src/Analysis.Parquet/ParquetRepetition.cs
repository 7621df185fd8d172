namespace Analysis.Parquet;

/// <summary>Whether a schema node occurs exactly once, at most once, or any number of times per parent.</summary>
public enum ParquetRepetition
{
    Required = 0,
    Optional = 1,
    Repeated = 2,
}
