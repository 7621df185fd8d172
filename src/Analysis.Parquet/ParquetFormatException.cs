namespace Analysis.Parquet;

/// <summary>A Parquet file is corrupt, truncated, or uses a feature this library does not support; the message names the file and the problem.</summary>
/// <remarks><see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>; callers that map bad input should match this type.</remarks>
public sealed class ParquetFormatException : IOException
{
    /// <summary>Creates the exception with one sentence saying what is wrong and where.</summary>
    public ParquetFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
