using System.Text.Json.Serialization;

namespace Analysis.Extraction.Dataset;

/// <summary>
/// _manifest.json of an activation dataset: what was extracted, from what, and which part files hold it.
/// Written atomically, last, once every part is complete; its presence means the dataset is complete.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>The version of this layout; readers refuse versions they do not know.</summary>
    public const int CurrentFormatVersion = 1;

    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("settings")] public required ExtractionSettings Settings { get; init; }
    [JsonPropertyName("model")] public required ModelRecord Model { get; init; }
    [JsonPropertyName("hooks")] public required IReadOnlyList<HookRecord> Hooks { get; init; }
    [JsonPropertyName("columns")] public required IReadOnlyList<ColumnRecord> Columns { get; init; }
    [JsonPropertyName("parts")] public required IReadOnlyList<PartRecord> Parts { get; init; }
    [JsonPropertyName("rows")] public long Rows { get; init; }
    [JsonPropertyName("examples")] public long Examples { get; init; }
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    [JsonPropertyName("truncated_examples")] public long TruncatedExamples { get; init; }
    [JsonPropertyName("bytes")] public long Bytes { get; init; }
    [JsonPropertyName("tool_version")] public required string ToolVersion { get; init; }
    [JsonPropertyName("command_line")] public required IReadOnlyList<string> CommandLine { get; init; }
    [JsonPropertyName("started_at")] public DateTimeOffset StartedAt { get; init; }
    [JsonPropertyName("finished_at")] public DateTimeOffset FinishedAt { get; init; }
}

/// <summary>The model that was run: the user's file and the hooked graph derived from it.</summary>
public sealed record ModelRecord(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("inputs")] IReadOnlyList<string> Inputs,
    [property: JsonPropertyName("outputs")] IReadOnlyList<string> Outputs);

/// <summary>One hook stored in the dataset: its canonical name (the column), the ONNX tensor, per-token shape and stored type.</summary>
public sealed record HookRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tensor")] string Tensor,
    [property: JsonPropertyName("shape")] IReadOnlyList<long> Shape,
    [property: JsonPropertyName("dtype")] string DType);

/// <summary>A column of the part files and its Parquet type, as a reader should expect it.</summary>
public sealed record ColumnRecord(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type);

/// <summary>A complete part file: its rows, checksum, size, and the examples it covers.</summary>
public sealed record PartRecord(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("part")] long Part,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("examples")] long Examples,
    [property: JsonPropertyName("tokens")] long Tokens,
    [property: JsonPropertyName("truncated_examples")] long TruncatedExamples,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("first_example_id")] long FirstExampleId,
    [property: JsonPropertyName("last_example_id")] long LastExampleId);
