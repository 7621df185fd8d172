using System.Text.Json;
using Analysis.Decomposition;
using Analysis.Probing;

namespace Analysis.Reports;

/// <summary>A probe layer sweep: one result per hook, in depth order, for one label.</summary>
public sealed record ProbeSweep(string Label, ProbeLayerResult[] Layers);

/// <summary>Everything an analysis run produced, as one JSON-serializable object (results.json); the report renders it.</summary>
public sealed record AnalysisResults
{
    /// <summary>The file name analysis commands write into their output directory.</summary>
    public const string FileName = "results.json";

    /// <summary>Run metadata shown in the report (dataset, model, command line, versions, times).</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];

    /// <summary>Probe sweeps.</summary>
    public ProbeSweep[] Probes { get; init; } = [];

    /// <summary>PCA scatters.</summary>
    public PcaScatter[] Scatters { get; init; } = [];

    /// <summary>Number-line analyses, one per layer.</summary>
    public NumberLineResult[] NumberLines { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes DIR/results.json (atomically).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Reads DIR/results.json.</summary>
    public static AnalysisResults Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{directory} has no {FileName}; pass directories written by 'analysis probe', 'pca' or 'pls'.", path);
        try { return JsonSerializer.Deserialize<AnalysisResults>(File.ReadAllText(path), Json) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a valid results file ({e.Message}); re-run the analysis that wrote it.", e); }
    }

    /// <summary>Combines several runs into one report's worth of results (metadata keys are prefixed by run when they clash).</summary>
    public static AnalysisResults Merge(IReadOnlyList<AnalysisResults> runs)
    {
        var metadata = new Dictionary<string, string>();
        for (var r = 0; r < runs.Count; r++)
            foreach (var (k, v) in runs[r].Metadata)
                if (!metadata.TryAdd(k, v) && metadata[k] != v) metadata[$"{k} (run {r + 1})"] = v;
        return new AnalysisResults
        {
            Metadata = metadata,
            Probes = runs.SelectMany(r => r.Probes).ToArray(),
            Scatters = runs.SelectMany(r => r.Scatters).ToArray(),
            NumberLines = runs.SelectMany(r => r.NumberLines).ToArray(),
        };
    }
}
