using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Extraction.Sources;
using Analysis.Parquet;
using Analysis.Results;

namespace Analysis.Attention;

/// <summary>What `analysis attention` is asked to do: the options plus the input texts and the output folder.</summary>
public sealed record AttentionRequest
{
    /// <summary>How to open the statistics.</summary>
    public required AttentionOptions Attention { get; init; }
    /// <summary>The input dataset (.jsonl, .csv, .tsv, .txt, .parquet or a folder of .txt files).</summary>
    public required string Data { get; init; }
    /// <summary>The text field of the input.</summary>
    public string TextField { get; init; } = "text";
    /// <summary>The output folder.</summary>
    public required string Output { get; init; }
    /// <summary>Run metadata for results.json (command line, versions).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// `analysis attention`: runs <see cref="AttentionStatistics"/> over a dataset and writes OUT/heads.parquet and
/// OUT/heads.json (one entry per layer and head) and the "attention" entry of OUT/results.json (with the viewer's
/// patterns) for the report. Each file is written under a temporary name and renamed; results.json comes last.
/// </summary>
public static class AttentionRun
{
    /// <summary>The head table's Parquet file name.</summary>
    public const string HeadsParquet = "heads.parquet";
    /// <summary>The head table's JSON file name.</summary>
    public const string HeadsJson = "heads.json";
    /// <summary>The viewer examples' full patterns (compact JSON, read by the report).</summary>
    public const string PatternsJson = "patterns.json";

    private static readonly JsonSerializerOptions SnakeCase = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs the statistics and writes the files; <paramref name="progress"/> gets (examples done, examples in the input).</summary>
    public static AttentionResult Run(AttentionRequest request, Action<long, long>? progress = null)
    {
        ExampleSource source;
        try { source = ExampleSource.Open(request.Data, new SourceOptions(request.TextField)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new BadInputException(e.Message, e);
        }
        if (source.Schema.Rows == 0) throw new BadInputException($"The input '{request.Data}' holds no examples; give it at least one text.");
        using var statistics = AttentionStatistics.Open(request.Attention);
        var result = statistics.Analyze(source.Read().Select(e => (e.Id, e.Text)), examplesDone: done => progress?.Invoke(done, source.Schema.Rows));
        if (result.Examples == 0) throw new BadInputException($"No example of '{request.Data}' has two or more tokens, so no attention can be summarized; give longer texts.");
        Directory.CreateDirectory(request.Output);

        var heads = result.Heads;
        using (var writer = ParquetWriter.Create(Path.Combine(request.Output, HeadsParquet),
        [
            ParquetField.Int32("layer"), ParquetField.Int32("head"), ParquetField.String("hook"), ParquetField.Double("sink_mass"),
            ParquetField.Double("prev_token_mass"), ParquetField.Double("self_mass"), ParquetField.Double("rest_mass"), ParquetField.Double("entropy"),
            ParquetField.Double("dormant_share"), ParquetField.String("classification"),
        ]))
        {
            writer.SetMetadata("analysis.attention.dormant_threshold", result.DormantThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteInt32("layer", heads.Select(h => h.Layer).ToArray());
            writer.WriteInt32("head", heads.Select(h => h.Head).ToArray());
            writer.WriteStrings("hook", heads.Select(h => (string?)h.Hook).ToArray());
            writer.WriteDouble("sink_mass", heads.Select(h => h.SinkMass).ToArray());
            writer.WriteDouble("prev_token_mass", heads.Select(h => h.PrevTokenMass).ToArray());
            writer.WriteDouble("self_mass", heads.Select(h => h.SelfMass).ToArray());
            writer.WriteDouble("rest_mass", heads.Select(h => h.RestMass).ToArray());
            writer.WriteDouble("entropy", heads.Select(h => h.Entropy).ToArray());
            writer.WriteDouble("dormant_share", heads.Select(h => h.DormantShare).ToArray());
            writer.WriteStrings("classification", heads.Select(h => (string?)h.Classification).ToArray());
            writer.EndBatch();
            writer.Finish();
        }
        AtomicFile.WriteAllText(Path.Combine(request.Output, HeadsJson), JsonSerializer.Serialize(heads.Select(h => new
        {
            layer = h.Layer, head = h.Head, hook = h.Hook, sink_mass = h.SinkMass, prev_token_mass = h.PrevTokenMass, self_mass = h.SelfMass,
            rest_mass = h.RestMass, entropy = h.Entropy, dormant_share = h.DormantShare, dormant_threshold = result.DormantThreshold,
            classification = h.Classification,
        }), SnakeCase));
        var metadata = new Dictionary<string, string>(request.Metadata) { ["model"] = request.Attention.Model, ["data"] = request.Data };
        // The patterns go in a compact file of their own: indented in results.json, every number would take a line.
        AtomicFile.WriteAllText(Path.Combine(request.Output, PatternsJson), JsonSerializer.Serialize(result.Patterns, new JsonSerializerOptions(ResultsFile.Json) { WriteIndented = false }));
        ResultsFile.Save(request.Output, metadata, (AttentionSection.Entry, result with { Patterns = [] }));
        return result;
    }
}
