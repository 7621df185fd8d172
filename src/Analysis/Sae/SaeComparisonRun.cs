using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analysis.Checkpoints;
using Analysis.Datasets;
using Analysis.Parquet;
using Analysis.Results;
using Analysis.Similarity;

namespace Analysis.Sae;

/// <summary>What <c>analysis sae compare</c> is asked to do.</summary>
public sealed record SaeCompareRequest
{
    /// <summary>Two or more SAE folders.</summary>
    public IReadOnlyList<string> Saes { get; init; } = [];
    /// <summary>The output folder.</summary>
    public string Output { get; init; } = "";
    /// <summary>A match below this cosine means a latent appears, vanishes, or is not yet born.</summary>
    public double Threshold { get; init; } = 0.7;
    /// <summary>Activation data for the match by activations and the effective features: none, one dataset holding every SAE's hook, or one per SAE (aligned by example_id and position).</summary>
    public IReadOnlyList<string> Data { get; init; } = [];
    /// <summary>Each SAE's training step; empty to read them from the family index beside each SAE's training dataset.</summary>
    public IReadOnlyList<long> Steps { get; init; } = [];
    /// <summary>Recorded in results.json.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>One SAE of a comparison: where it sits (hook, layer, step) and, with data, how many latents it effectively uses.</summary>
public sealed record SaeCompareEntry
{
    /// <summary>The SAE folder.</summary>
    public string Sae { get; init; } = "";
    /// <summary>The hook it reads.</summary>
    public string Hook { get; init; } = "";
    /// <summary>The block number in the hook's name (blocks.L.…), −1 for hooks outside blocks.</summary>
    public int Layer { get; init; }
    /// <summary>Training step of the model the SAE was trained on (its position in the arguments when unknown).</summary>
    public long Step { get; init; }
    /// <summary>Where the step came from: "--steps", "family" (the _family.json beside its dataset) or "argument order".</summary>
    public string StepSource { get; init; } = "";
    /// <summary>Latents (d).</summary>
    public int DSae { get; init; }
    /// <summary>Tokens the data metrics below were computed on (0 without data).</summary>
    public long Tokens { get; init; }
    /// <summary>Mean active latents per token.</summary>
    public double L0 { get; init; }
    /// <summary>Latents that never fire on the data.</summary>
    public double DeadFraction { get; init; }
    /// <summary>Shannon entropy H (nats) of the activation mass over latents.</summary>
    public double ActivationEntropy { get; init; }
    /// <summary>exp(H): the number of equally used latents with the same entropy.</summary>
    public double EffectiveFeatures { get; init; }
}

/// <summary>Everything <c>sae compare</c> found: compare.json.</summary>
public sealed record SaeCompareReport(SaeCompareEntry[] Saes, SaeComparisonResult[] Pairs, SaeTrajectory[] Trajectories);

/// <summary>
/// <c>analysis sae compare A B …</c>: pairwise matching (decoder cosine, and by activations with data), trajectories over
/// each hook's checkpoint series, and effective features per SAE. Writes compare.json, trajectories.parquet and results.json.
/// </summary>
public static partial class SaeComparisonRun
{
    /// <summary>Each final latent's match at every checkpoint: hook, feature, step, best_match, cosine.</summary>
    public const string TrajectoriesFile = "trajectories.parquet";

    /// <summary>Runs the comparison; <paramref name="progress"/> gets (passes done, passes) over the data.</summary>
    public static SaeCompareReport Run(SaeCompareRequest request, Action<long, long>? progress = null)
    {
        if (request.Threshold is < -1 or > 1 || double.IsNaN(request.Threshold)) throw new BadInputException($"--threshold {request.Threshold} is not a cosine; use a value in [−1, 1] (0.7 by default).");
        if (request.Steps.Count != 0 && request.Steps.Count != request.Saes.Count)
            throw new BadInputException($"--steps gives {request.Steps.Count} steps for {request.Saes.Count} SAE arguments; give one per argument, in the same order.");
        if (request.Data.Count is not (0 or 1) && request.Data.Count != request.Saes.Count)
            throw new BadInputException($"--data names {request.Data.Count} datasets for {request.Saes.Count} SAE arguments; give one dataset holding every SAE's hook, or one per argument in the same order.");
        foreach (var d in request.Data)
            if (!Directory.Exists(d) && !File.Exists(d)) throw new BadInputException($"The dataset '{d}' does not exist; pass an activation dataset folder (analysis extract's output).");
        // A sweep folder stands for its SAEs (one subfolder each), which share its dataset and step.
        var expanded = request.Saes.SelectMany((s, a) => Expand(s).Select(folder => (Folder: folder, Argument: a))).ToArray();
        IReadOnlyList<string> paths = [.. expanded.Select(e => e.Folder)];
        if (paths.Count < 2) throw new BadInputException("Name at least two SAE folders (or sweep folders) to compare.");
        request = request with
        {
            Steps = request.Steps.Count == 0 ? [] : [.. expanded.Select(e => request.Steps[e.Argument])],
            Data = request.Data.Count <= 1 ? request.Data : [.. expanded.Select(e => request.Data[e.Argument])],
        };
        var saes = paths.Select(Sae.Load).ToArray();
        var (steps, source) = Steps(saes, request.Steps, [.. expanded.Select(e => e.Argument)]);

        // Series: the SAEs of one hook in training order. Pairs are neighbours in a series; SAEs of different hooks
        // only (one per hook, e.g. layers) are compared with the next argument.
        var series = Enumerable.Range(0, paths.Count).GroupBy(i => (saes[i].Info.HookName, saes[i].DIn))
            .Select(g => g.OrderBy(i => steps[i]).ThenBy(i => i).ToArray()).ToArray();
        var pairs = series.All(s => s.Length == 1)
            ? Enumerable.Range(0, paths.Count - 1).Select(i => (i, i + 1)).ToArray()
            : series.SelectMany(s => s.Zip(s.Skip(1))).ToArray();
        var dataOf = (int i) => request.Data.Count == 0 ? null : request.Data[request.Data.Count == 1 ? 0 : i];

        var passes = request.Data.Count == 0 ? 0 : paths.Count + pairs.Length;
        var done = 0L;
        var entries = new SaeCompareEntry[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            var entry = new SaeCompareEntry
            {
                Sae = paths[i], Hook = saes[i].Info.HookName, Layer = Layer(saes[i].Info.HookName), Step = steps[i], StepSource = source,
                DSae = saes[i].DSae,
            };
            if (dataOf(i) is { } data)
            {
                var metrics = new SaeDataMetrics(saes[i]);
                using (var table = ActivationTable.Open(data))
                    foreach (var x in table.ReadChunks(HookOf(saes[i], paths[i], data)))
                    {
                        if (x.Columns != saes[i].DIn)
                            throw new BadInputException($"Hook '{saes[i].Info.HookName}' in {data} has {x.Columns} values per row but {paths[i]} reads {saes[i].DIn}; pass the dataset the SAE was trained for.");
                        metrics.Add(x.Data, x.Rows);
                    }
                var r = metrics.Finish();
                entry = entry with { Tokens = r.Tokens, L0 = r.L0, DeadFraction = r.DeadFraction, ActivationEntropy = r.ActivationEntropy, EffectiveFeatures = r.EffectiveFeatures };
                progress?.Invoke(++done, passes);
            }
            entries[i] = entry;
        }

        var results = new List<SaeComparisonResult>();
        foreach (var (a, b) in pairs)
        {
            var result = SaeComparison.Compare(saes[a], saes[b], request.Threshold) with { A = paths[a], B = paths[b] };
            if (dataOf(a) is { } da && dataOf(b) is { } db)
            {
                result = result with { Correlation = Correlate(saes[a], paths[a], da, saes[b], paths[b], db).Match(result) };
                progress?.Invoke(++done, passes);
            }
            results.Add(result);
        }

        var trajectories = series.Where(s => s.Length >= 2)
            .Select(s => SaeTrajectory.Trace([.. s.Select(i => saes[i])], [.. s.Select(i => steps[i])], request.Threshold, [.. s.Select(i => paths[i])]))
            .ToArray();
        var report = new SaeCompareReport(entries, [.. results], trajectories);
        Write(request, report);
        return report;
    }

    /// <summary>The streamed correlation of two SAEs' codes on the same tokens of their datasets.</summary>
    public static SaeCodeCorrelation Correlate(Sae a, string saeA, string dataA, Sae b, string saeB, string dataB)
    {
        var correlation = new SaeCodeCorrelation(a.DSae, b.DSae);
        using var tableA = ActivationTable.Open(dataA);
        using var tableB = ActivationTable.Open(dataB);
        var (hookA, hookB) = (HookOf(a, saeA, dataA), HookOf(b, saeB, dataB));
        foreach (var table in new[] { tableA, tableB })
            if (!table.Columns.Contains("example_id"))
                throw new BadInputException($"{table.Path} has no example_id column; matching by activations pairs tokens by example_id and position, so pass datasets `analysis extract` wrote.");
        foreach (var (rows, _) in new AlignedRows(tableA, [hookA], tableB, [hookB]).Blocks())
        {
            int n = rows.Rows, d = rows.Columns;
            if (d != a.DIn + b.DIn) throw new BadInputException($"{hookA} and {hookB} are not {a.DIn} and {b.DIn} wide in {dataA} and {dataB}; pass the datasets the SAEs were trained for.");
            var (xa, xb) = (new float[n * a.DIn], new float[n * b.DIn]);
            for (var t = 0; t < n; t++)
            {
                rows.Data.AsSpan(t * d, a.DIn).CopyTo(xa.AsSpan(t * a.DIn));
                rows.Data.AsSpan(t * d + a.DIn, b.DIn).CopyTo(xb.AsSpan(t * b.DIn));
            }
            correlation.Add(a.Encode(xa, n), b.Encode(xb, n));
        }
        if (correlation.Tokens == 0) throw new BadInputException($"{dataA} holds no rows; extract activations first.");
        return correlation;
    }

    // "layer 2: step 0 → 4" for checkpoints of one hook; the hooks, or the folder names, where those differ.
    private static string Label(SaeCompareEntry[] saes, SaeComparisonResult pair)
    {
        var (a, b) = (saes.First(s => s.Sae == pair.A), saes.First(s => s.Sae == pair.B));
        var where = a.Hook != b.Hook ? $"{a.Hook} → {b.Hook}" : a.Layer >= 0 ? $"layer {a.Layer}" : a.Hook;
        string Name(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) is { Length: > 0 } n ? n : folder;
        return a.StepSource == "argument order" ? $"{where}: {Name(a.Sae)} → {Name(b.Sae)}" : $"{where}: step {a.Step} → {b.Step}";
    }

    private static IEnumerable<string> Expand(string folder)
    {
        if (Sae.Exists(folder)) return [folder];
        var inner = Directory.Exists(folder) ? Directory.GetDirectories(folder).Where(Sae.Exists).Order(StringComparer.Ordinal).ToArray() : [];
        return inner.Length > 0 ? inner
            : throw new BadInputException($"'{folder}' is not an SAE folder (no {Sae.ConfigFile} and {Sae.WeightsFile}) nor a sweep of them; pass folders `analysis sae train` wrote.");
    }

    private static string HookOf(Sae sae, string folder, string data)
    {
        var hook = sae.Info.HookName;
        if (hook == "") throw new BadInputException($"{folder}/{Sae.ConfigFile} names no hook_name, so its column in {data} is unknown; add hook_name to it.");
        using var table = ActivationTable.Open(data);
        if (!table.Columns.Contains(hook))
            throw new BadInputException($"Hook '{hook}' of {folder} is not in {data}; its hooks are: {string.Join(", ", table.Hooks)}. Pass a dataset extracted at that hook.");
        return hook;
    }

    /// <summary>Steps from --steps, else from the family index beside every SAE's training dataset, else the argument's position.</summary>
    private static (long[] Steps, string Source) Steps(Sae[] saes, IReadOnlyList<long> given, int[] argumentOf)
    {
        if (given.Count > 0) return ([.. given], "--steps");
        var found = saes.Select(FamilyStep).ToArray();
        return found.All(s => s is not null) ? ([.. found.Select(s => s!.Value)], "family")
            : ([.. argumentOf.Select(a => (long)a)], "argument order");
    }

    /// <summary>The step of the checkpoint whose dataset the SAE was trained on, when that dataset sits in an extracted family.</summary>
    private static long? FamilyStep(Sae sae)
    {
        var dataset = sae.Info.DatasetPath;
        if (dataset == "") return null;
        var full = Path.GetFullPath(dataset).TrimEnd(Path.DirectorySeparatorChar);
        var folder = Path.GetDirectoryName(full);
        if (folder is null || !FamilyDatasets.IsFamily(folder)) return null;
        var match = FamilyDatasets.Load(folder).Checkpoints
            .FirstOrDefault(c => Path.GetFullPath(FamilyDatasets.DatasetPath(folder, c)).TrimEnd(Path.DirectorySeparatorChar) == full);
        return match is { Step: >= 0 } ? match.Step : null;
    }

    private static int Layer(string hook) => LayerNumber().Match(hook) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex LayerNumber();

    private static void Write(SaeCompareRequest request, SaeCompareReport report)
    {
        var output = request.Output;
        if (File.Exists(output)) throw new BadInputException($"--out {output} is a file; pass a folder.");
        Directory.CreateDirectory(output);
        var compare = Path.Combine(output, SaeComparison.CompareFile);
        File.WriteAllText(compare + ".tmp", JsonSerializer.Serialize(report, SaeEvaluation.Json));
        var trajectories = Path.Combine(output, TrajectoriesFile);
        if (report.Trajectories.Length > 0)
        {
            using (var writer = ParquetWriter.Create(trajectories + ".tmp",
                [ParquetField.String("hook"), ParquetField.Int32("feature"), ParquetField.Int64("step"), ParquetField.Int32("best_match"), ParquetField.Float("cosine")]))
            {
                foreach (var t in report.Trajectories)
                {
                    int m = t.BestMatch.Length, n = t.Steps.Length;
                    writer.WriteStrings("hook", Enumerable.Repeat<string?>(t.Hook, m * n).ToArray());
                    writer.WriteInt32("feature", Enumerable.Range(0, m * n).Select(p => p / n).ToArray());
                    writer.WriteInt64("step", Enumerable.Range(0, m * n).Select(p => t.Steps[p % n]).ToArray());
                    writer.WriteInt32("best_match", t.BestMatch.SelectMany(r => r).ToArray());
                    writer.WriteFloat("cosine", t.Cosine.SelectMany(r => r).ToArray());
                    writer.EndBatch();
                }
                writer.Finish();
            }
            File.Move(trajectories + ".tmp", trajectories, overwrite: true);
        }
        else File.Delete(trajectories);
        File.Move(compare + ".tmp", compare, overwrite: true);
        ResultsFile.Save(output, new Dictionary<string, string>(request.Metadata) { ["saes"] = string.Join(", ", request.Saes) },
            (SaeCompareSection.PairsEntry, report.Pairs.Select(p => SaeCompareSection.Summary.Of(p, Label(report.Saes, p))).ToArray()),
            (SaeCompareSection.TrajectoriesEntry, report.Trajectories.Select(SaeCompareSection.Series.Of).ToArray()),
            (SaeCompareSection.FeatureCountsEntry, report.Saes));
    }
}
