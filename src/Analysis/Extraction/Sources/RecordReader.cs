namespace Analysis.Extraction.Sources;

/// <summary>A record of an input file: its fields by name, and where it came from (for error messages).</summary>
internal sealed record SourceRecord(IReadOnlyDictionary<string, FieldValue> Fields, string Location);

/// <summary>Streams the records of one input format. Implementations read lazily and never load the whole file.</summary>
internal interface IRecordReader : IDisposable
{
    /// <summary>The field names every record may have, in source order (known after the first record for JSON lines).</summary>
    IReadOnlyList<string> FieldNames { get; }

    /// <summary>The next record, or null at the end.</summary>
    SourceRecord? Next();

    /// <summary>SHA-256 of the source's bytes; valid once <see cref="Next"/> has returned null.</summary>
    string Sha256 { get; }
}
