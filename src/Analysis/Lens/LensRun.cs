using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Extraction.Sources;
using Analysis.Parquet;
using Analysis.Results;

namespace Analysis.Lens;

/// <summary>What `analysis lens` is asked to do: the lens options plus the input texts and the output folder.</summary>
public sealed record LensRequest
{
    /// <summary>How to open the lens.</summary>
    public required LensOptions Lens { get; init; }
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
/// `analysis lens`: runs <see cref="LogitLens"/> over a dataset and writes OUT/lens.parquet (one row per token and layer),
/// OUT/lens.json (the per-layer table) and the "lens" entry of OUT/results.json for the report. Each file is written
/// under a temporary name and renamed when complete; results.json comes last.
/// </summary>
public static class LensRun
{
    /// <summary>The per-token Parquet file's name.</summary>
    public const string TokensFile = "lens.parquet";
    /// <summary>The per-layer JSON file's name.</summary>
    public const string LayersFile = "lens.json";

    private static readonly JsonSerializerOptions SnakeCase = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs the lens and writes its files; <paramref name="progress"/> gets (examples done, examples in the input).</summary>
    public static LensResult Run(LensRequest request, Action<long, long>? progress = null)
    {
        ExampleSource source;
        try { source = ExampleSource.Open(request.Data, new SourceOptions(request.TextField)); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or ArgumentException)
        {
            throw new BadInputException(e.Message, e);
        }
        if (source.Schema.Rows == 0) throw new BadInputException($"The input '{request.Data}' holds no examples; give it at least one text.");
        using var lens = LogitLens.Open(request.Lens);
        Directory.CreateDirectory(request.Output);

        var k = lens.TopK;
        var sets = lens.Sets.Sets;
        var fields = new List<ParquetField>
        {
            ParquetField.Int64("example_id"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
            ParquetField.Int32("layer"), ParquetField.String("hook"), ParquetField.Int32("next_token_id", nullable: true),
            ParquetField.String("next_token", nullable: true), ParquetField.Int32("next_token_rank", nullable: true),
            ParquetField.Float("next_token_prob", nullable: true), ParquetField.Float("entropy"), ParquetField.Float("kl_to_final"),
        };
        for (var j = 1; j <= k; j++)
            fields.AddRange([ParquetField.Int32($"top{j}_id"), ParquetField.String($"top{j}_token"), ParquetField.Float($"top{j}_prob")]);
        fields.AddRange(sets.Select(s => ParquetField.Float($"mass_{s.Name}")));
        foreach (var f in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
            throw new BadInputException($"Two token sets make the same column '{f.Key}'; give the sets distinct names.");

        var buffer = new List<LensTokenRow>();
        LensResult result;
        using (var writer = ParquetWriter.Create(Path.Combine(request.Output, TokensFile), fields))
        {
            writer.SetMetadata("analysis.lens.finish", lens.Finish);
            result = lens.Analyze(source.Read().Select(e => (e.Id, e.Text)), row =>
            {
                buffer.Add(row);
                if (buffer.Count >= 65536) Write(writer, buffer, lens, k, sets.Count);
            }, done => progress?.Invoke(done, source.Schema.Rows));
            Write(writer, buffer, lens, k, sets.Count);
            writer.Finish();
        }

        var table = new
        {
            model = Path.GetFileName(request.Lens.Model),
            finish = result.Finish,
            examples = result.Examples,
            tokens = result.Tokens,
            predictions = result.Predictions,
            token_sets = result.TokenSets,
            layers = result.Layers.Select(l => new
            {
                hook = l.Hook,
                top1_accuracy = l.Top1Accuracy,
                kl_to_final = l.KlToFinal,
                entropy = l.Entropy,
                next_token_prob = l.NextTokenProbability,
                next_token_rank = l.NextTokenRank,
                set_mass = l.SetMass,
            }),
        };
        AtomicFile.WriteAllText(Path.Combine(request.Output, LayersFile), JsonSerializer.Serialize(table, SnakeCase));
        var metadata = new Dictionary<string, string>(request.Metadata) { ["model"] = request.Lens.Model, ["data"] = request.Data, ["finish"] = result.Finish };
        ResultsFile.Save(request.Output, metadata, (LensSection.Entry, result));
        return result;
    }

    private static void Write(ParquetWriter writer, List<LensTokenRow> rows, LogitLens lens, int k, int sets)
    {
        if (rows.Count == 0) return;
        writer.WriteInt64("example_id", rows.Select(r => r.ExampleId).ToArray());
        writer.WriteInt32("position", rows.Select(r => r.Position).ToArray());
        writer.WriteInt32("token_id", rows.Select(r => r.TokenId).ToArray());
        writer.WriteStrings("token", rows.Select(r => (string?)r.Token).ToArray());
        writer.WriteInt32("layer", rows.Select(r => r.Layer).ToArray());
        writer.WriteStrings("hook", rows.Select(r => (string?)r.Hook).ToArray());
        var present = rows.Select(r => r.NextTokenId is not null).ToArray();
        writer.WriteInt32("next_token_id", rows.Select(r => r.NextTokenId ?? 0).ToArray(), present);
        writer.WriteStrings("next_token", rows.Select(r => r.NextTokenId is { } id ? lens.TokenString(id) : null).ToArray());
        writer.WriteInt32("next_token_rank", rows.Select(r => r.NextTokenRank ?? 0).ToArray(), present);
        writer.WriteFloat("next_token_prob", rows.Select(r => r.NextTokenProbability ?? 0).ToArray(), present);
        writer.WriteFloat("entropy", rows.Select(r => r.Entropy).ToArray());
        writer.WriteFloat("kl_to_final", rows.Select(r => r.KlToFinal).ToArray());
        for (var j = 0; j < k; j++)
        {
            writer.WriteInt32($"top{j + 1}_id", rows.Select(r => r.TopIds[j]).ToArray());
            writer.WriteStrings($"top{j + 1}_token", rows.Select(r => (string?)lens.TokenString(r.TopIds[j])).ToArray());
            writer.WriteFloat($"top{j + 1}_prob", rows.Select(r => r.TopProbabilities[j]).ToArray());
        }
        for (var s = 0; s < sets; s++)
            writer.WriteFloat($"mass_{lens.Sets.Sets[s].Name}", rows.Select(r => r.SetMass[s]).ToArray());
        writer.EndBatch();
        rows.Clear();
    }
}
