using System.Text.Json.Serialization;

namespace Analysis.Extraction.Dataset;

/// <summary>
/// Everything that determines an activation dataset's contents. A rerun into the same directory must have equal
/// settings (then it resumes), or the user passes --overwrite. Batch size is included because padding changes
/// results in the last bits, and a resumed dataset must be identical to an uninterrupted one.
/// </summary>
public sealed record ExtractionSettings
{
    [JsonPropertyName("model_sha256")] public required string ModelSha256 { get; init; }
    [JsonPropertyName("model_file")] public required string ModelFile { get; init; }
    [JsonPropertyName("tokenizer_sha256")] public required string TokenizerSha256 { get; init; }
    [JsonPropertyName("tokenizer_file")] public required string TokenizerFile { get; init; }
    [JsonPropertyName("source_sha256")] public required string SourceSha256 { get; init; }
    [JsonPropertyName("source_file")] public required string SourceFile { get; init; }
    [JsonPropertyName("source_rows")] public required long SourceRows { get; init; }
    [JsonPropertyName("text_field")] public required string TextField { get; init; }
    [JsonPropertyName("span_field")] public string? SpanField { get; init; }
    [JsonPropertyName("labels")] public required IReadOnlyList<LabelRecord> Labels { get; init; }
    [JsonPropertyName("hooks")] public required IReadOnlyList<string> Hooks { get; init; }
    [JsonPropertyName("positions")] public required string Positions { get; init; }
    [JsonPropertyName("max_length")] public required int MaxLength { get; init; }
    [JsonPropertyName("batch_size")] public required int BatchSize { get; init; }
    [JsonPropertyName("dtype")] public required string DType { get; init; }
    [JsonPropertyName("examples_per_part")] public required int ExamplesPerPart { get; init; }
    [JsonPropertyName("compression")] public string Compression { get; init; } = "uncompressed";

    /// <summary>The number of part files the dataset is cut into.</summary>
    [JsonIgnore] public long PartCount => (SourceRows + ExamplesPerPart - 1) / ExamplesPerPart;

    /// <summary>A line per setting that differs from <paramref name="other"/> ("name: this → other"), empty when equal.</summary>
    public IReadOnlyList<string> Differences(ExtractionSettings other)
    {
        var mine = System.Text.Json.JsonSerializer.SerializeToElement(this);
        var theirs = System.Text.Json.JsonSerializer.SerializeToElement(other);
        var lines = new List<string>();
        foreach (var p in mine.EnumerateObject())
        {
            var a = p.Value.GetRawText();
            var b = theirs.TryGetProperty(p.Name, out var v) ? v.GetRawText() : "(absent)";
            if (a != b) lines.Add($"{p.Name}: {Shorten(a)} → {Shorten(b)}");
        }
        return lines;
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}

/// <summary>A label column carried from the input into every row: name and Parquet-facing type.</summary>
public sealed record LabelRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type);
