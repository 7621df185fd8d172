namespace Analysis.Parquet;

/// <summary>The unit of a TIME or TIMESTAMP value.</summary>
public enum ParquetTimeUnit { Millis, Micros, Nanos }
