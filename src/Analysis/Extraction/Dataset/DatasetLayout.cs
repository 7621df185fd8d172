using System.Text.Json.Serialization;

namespace Analysis.Extraction.Dataset;

/// <summary>
/// The shape of an activation dataset's part files — model, hooks, columns — fixed when the extraction starts and
/// kept in layout.json, so that any shard (or `analysis dataset merge-manifest`) can write the manifest.
/// </summary>
public sealed record DatasetLayout(
    [property: JsonPropertyName("model")] ModelRecord Model,
    [property: JsonPropertyName("hooks")] IReadOnlyList<HookRecord> Hooks,
    [property: JsonPropertyName("columns")] IReadOnlyList<ColumnRecord> Columns,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt);
