using System.Text.Json;
using Analysis.Parquet;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>
/// <c>analysis sae function-tokens</c>: streams an activation dataset (a hook column plus token_id, as extract writes
/// them) through an SAE and builds the token → latent graph (<see cref="FunctionTokenGraph"/>): which vocabulary tokens
/// reach the most latents, the degree distributions, and how few tokens reach half / 90% of the live latents.
/// Writes function_token_edges.parquet (token_id, token, feature, count, mass), function_tokens.json and results.json
/// (entry <c>saeFunctionTokens</c>).
/// </summary>
public static class FunctionTokens
{
    /// <summary>The edge file.</summary>
    public const string EdgesFile = "function_token_edges.parquet";

    /// <summary>The summary file.</summary>
    public const string SummaryFile = "function_tokens.json";

    /// <summary>The results.json entry.</summary>
    public const string Entry = "saeFunctionTokens";

    /// <summary>The dataset column with each row's vocabulary id.</summary>
    public const string TokenIdColumn = "token_id";

    /// <summary>Runs the analysis and writes its files into <paramref name="output"/>.</summary>
    public static FunctionTokensResult Run(string saeFolder, string data, string output, string? hook = null, int top = 20, Action<long, long>? progress = null)
    {
        if (!Sae.Exists(saeFolder)) throw new BadInputException($"'{saeFolder}' is not an SAE folder (no {Sae.ConfigFile} and {Sae.WeightsFile}); pass the folder `analysis sae train` wrote.");
        if (top < 1) throw new BadInputException($"--top must be at least 1 (got {top}).");
        if (File.Exists(output)) throw new BadInputException($"--out {output} is a file; pass a folder.");
        var sae = Sae.Load(saeFolder);
        hook ??= sae.Info.HookName;
        if (hook == "") throw new BadInputException($"{saeFolder}/cfg.json names no hook_name; pass --hook.");
        var graph = new FunctionTokenGraph(sae.DSae);
        // Each file is opened twice, once to check it and once to read it, so that only one reader (and its chunk
        // buffer) is alive at a time: memory then holds the edges and one row group, however many files there are.
        var files = ActivationStream.DatasetFiles(data);
        long total = 0;
        foreach (var file in files)
        {
            using var r = ParquetReader.Open(file);
            if (!r.Columns.Any(c => c.FieldName == hook))
                throw new BadInputException($"Hook '{hook}' is not in {r.FilePath}; pass --hook with one of its columns or a dataset extracted at that hook.");
            if (!r.Columns.Any(c => c.FieldName == TokenIdColumn && c.PhysicalType is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64))
                throw new BadInputException($"{r.FilePath} has no integer {TokenIdColumn} column; function tokens need each row's vocabulary id — use a dataset written by `analysis extract`.");
            total += r.RowCount;
        }
        long done = 0;
        foreach (var file in files)
        {
            using var r = ParquetReader.Open(file);
            var hasNames = r.Columns.Any(c => c.FieldName == "token");
            for (var g = 0; g < r.RowGroups.Count; g++)
            {
                var rows = (int)r.RowGroups[g].RowCount;
                if (rows == 0) continue;
                var x = SaeInputRows.Read(r, g, hook, sae);
                var ids = TokenIds(r, g, rows);
                graph.Add(ids, sae.Encode(x, rows));
                if (hasNames && ids.Any(id => !graph.HasName(id)))
                {
                    var names = r.ReadColumn(g, "token").ToRows();
                    for (var i = 0; i < rows; i++) if (names[i] is string s) graph.Name(ids[i], s);
                }
                done += rows;
                progress?.Invoke(done, total);
            }
        }
        if (graph.Tokens == 0) throw new BadInputException($"{data} holds no rows; pass a non-empty activation dataset.");

        var result = graph.Summarize(top) with { Sae = saeFolder, Hook = hook };
        Write(graph, result, saeFolder, output);
        return result;
    }

    private static int[] TokenIds(ParquetReader r, int g, int rows)
    {
        var column = r.ReadColumn(g, TokenIdColumn);
        if (column.ValueCount != rows) throw new BadInputException($"{TokenIdColumn} in {r.FilePath} row group {g} has missing values; every row needs a vocabulary id.");
        if (column.Column.PhysicalType == ParquetPhysicalType.Int32) return column.Values<int>().ToArray();
        var wide = column.Values<long>();
        var ids = new int[rows];
        for (var i = 0; i < rows; i++)
            ids[i] = wide[i] is >= 0 and <= int.MaxValue ? (int)wide[i] : throw new BadInputException($"Token id {wide[i]} in {r.FilePath} is not a vocabulary index.");
        return ids;
    }

    // Every file goes to a temporary name first and is renamed when complete, so an interrupted run leaves nothing that
    // looks finished.
    private static void Write(FunctionTokenGraph graph, FunctionTokensResult result, string saeFolder, string output)
    {
        Directory.CreateDirectory(output);
        var edgesPath = Path.Combine(output, EdgesFile);
        var edges = graph.Edges();
        using (var w = ParquetWriter.Create(edgesPath + ".tmp", [ParquetField.Int32("token_id"), ParquetField.String("token"), ParquetField.Int32("feature"), ParquetField.Int64("count"), ParquetField.Double("mass")]))
        {
            w.SetMetadata("analysis.sae", Path.GetFullPath(saeFolder));
            w.SetMetadata("analysis.hook", result.Hook);
            const int Batch = 1 << 16;
            for (var e0 = 0; e0 < edges.Length; e0 += Batch)
            {
                var part = edges.AsSpan(e0, Math.Min(Batch, edges.Length - e0)).ToArray();
                w.WriteInt32("token_id", part.Select(e => e.TokenId).ToArray());
                w.WriteStrings("token", part.Select(e => (string?)graph.NameOf(e.TokenId)).ToArray());
                w.WriteInt32("feature", part.Select(e => e.Feature).ToArray());
                w.WriteInt64("count", part.Select(e => e.Count).ToArray());
                w.WriteDouble("mass", part.Select(e => e.Mass).ToArray());
                w.EndBatch();
            }
            w.Finish();
        }
        var summaryPath = Path.Combine(output, SummaryFile);
        File.WriteAllText(summaryPath + ".tmp", JsonSerializer.Serialize(result, SaeEvaluation.Json));
        File.Move(edgesPath + ".tmp", edgesPath, overwrite: true);
        File.Move(summaryPath + ".tmp", summaryPath, overwrite: true);
        ResultsFile.Save(output, new Dictionary<string, string> { ["sae"] = saeFolder, ["hook"] = result.Hook },
            (Entry, new[] { result with { PerToken = [], FeatureDegree = [], FeatureFirings = [] } }));
    }
}
