using System.Text.Json;
using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Results;
using Analysis.Tokenizers;

namespace Analysis.Interventions;

/// <summary>What to ablate, how, and on which text.</summary>
public sealed record AblationRequest
{
    /// <summary>The ONNX model.</summary>
    public required string Model { get; init; }

    /// <summary>tokenizer.json (or tokenizer.bin).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The texts the loss is measured on (prompts or a dataset's texts).</summary>
    public required IReadOnlyList<string> Texts { get; init; }

    /// <summary>Whole hooks to ablate, one unit each (hook names or patterns).</summary>
    public IReadOnlyList<string> Hooks { get; init; } = [];

    /// <summary>Attention heads: "all", layers ("2,3") or heads ("2.5,3.1"); null: none.</summary>
    public string? Heads { get; init; }

    /// <summary>Channel units, "HOOK:N[,M…]" each (MLP neurons).</summary>
    public IReadOnlyList<string> Neurons { get; init; } = [];

    /// <summary>An SAE folder whose <see cref="Features"/> to ablate (spliced in with its error term).</summary>
    public string? Sae { get; init; }

    /// <summary>The SAE's features, "N[,M…]".</summary>
    public string? Features { get; init; }

    /// <summary>The hook the SAE is spliced in at (null: the SAE's own hook).</summary>
    public string? SaeHook { get; init; }

    /// <summary>Zero, mean or resample.</summary>
    public AblationKind Kind { get; init; } = AblationKind.Zero;

    /// <summary>An activation dataset the means come from (null: the mean over the evaluated tokens).</summary>
    public string? MeanData { get; init; }

    /// <summary>Tokens whose logit and probability at each text's last position to report.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Tokens per text at most.</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Texts per batch (each unit runs once per batch).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Output folder (ablate.json, results.json), or null to write nothing.</summary>
    public string? Output { get; init; }

    /// <summary>Run metadata for the report.</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>
/// <c>analysis ablate</c>: zero-, mean- or resample-ablates hooks, attention heads, neurons or SAE features, one unit at a
/// time, and measures next-token cross-entropy against the clean model, KL(clean ‖ ablated) and target tokens. Every
/// unit's hook carries one edit in a single model; a unit's run feeds only its own edit, the rest neutral (exact no-ops).
/// </summary>
public static class AblationSweep
{
    /// <summary>The results.json entry ablation results are stored under.</summary>
    public const string Entry = "ablation";

    /// <summary>The file written next to results.json.</summary>
    public const string File = "ablate.json";

    /// <summary>Runs the request; <paramref name="progress"/> sees (runs done, runs in all).</summary>
    public static AblationResult Run(AblationRequest request, Action<int, int>? progress = null)
    {
        if (request.Texts.Count == 0) throw new BadInputException("No text to measure the loss on; pass --prompt TEXT or --data FILE.");
        if (request.MaxLength < 2) throw new BadInputException($"--max-length {request.MaxLength} leaves no next token to predict; use at least 2.");
        if (request.BatchSize < 1) throw new BadInputException($"--batch-size {request.BatchSize} must be at least 1.");
        if (request.Kind == AblationKind.Resample && (request.Texts.Count < 2 || request.BatchSize < 2))
            throw new BadInputException("Resample ablation takes each text's activations from another text of its batch; give at least two texts and --batch-size 2 or more.");
        if ((request.Sae is null) != (request.Features is null)) throw new BadInputException("--sae and --feature go together: name the SAE folder and the features to ablate.");
        if (request.MeanData is not null && request.Kind != AblationKind.Mean) throw new BadInputException("--mean-data only applies to --mode mean.");
        if (!System.IO.File.Exists(request.Model)) throw new BadInputException($"The model '{request.Model}' does not exist; pass a model.onnx.");

        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var sequences = request.Texts.Select(t => tokenizer.Encode(t, addSpecialTokens: true, request.MaxLength, Side.Right).Ids).Where(ids => ids.Length >= 2).ToArray();
        if (sequences.Length == 0) throw new BadInputException("No text has two or more tokens; give texts long enough to predict a next token.");
        var targetIds = request.Targets.Select(t => SteeringExperiment.TokenId(tokenizer, t)).ToArray();

        var units = Units(request);
        if (units.Count == 0) throw new BadInputException("Nothing to ablate; pass --hook, --heads, --neurons or --sae with --feature.");
        var points = units.Select(u => u.IsFeature ? new InterventionPoint(u.Hook, EditKind.Feature, request.Sae) : new InterventionPoint(u.Hook, EditKind.Replace)).Distinct().ToList();
        var hooks = points.Select(p => p.Hook).Distinct(StringComparer.Ordinal).ToList();
        var needActivations = request.Kind == AblationKind.Resample || (request.Kind == AblationKind.Mean && request.MeanData is null);
        using var model = InterventionModel.Open(request.Model, points, needActivations ? hooks : null);
        for (var i = 0; i < units.Count; i++)
            if (units[i].Head is { } head) units[i] = units[i] with { Channels = Ablation.HeadChannels(model, units[i].Hook, head) };
        foreach (var u in units.Where(u => u.Channels is not null))
            foreach (var c in u.Channels!)
                if (c >= model.Widths[u.Hook]) throw new BadInputException($"Channel {c} is out of range for hook '{u.Hook}', which has {model.Widths[u.Hook]} channels.");
        foreach (var u in units.Where(u => u.IsFeature))
            foreach (var f in u.Features!)
                if (f >= model.Saes[u.Hook].DSae) throw new BadInputException($"Feature {f} is out of range: the SAE has {model.Saes[u.Hook].DSae} features (0 to {model.Saes[u.Hook].DSae - 1}).");

        var batches = Batches(sequences, request.BatchSize);
        var total = batches.Count * (units.Count + 1) + (request.Kind == AblationKind.Mean && request.MeanData is null ? batches.Count : 0);
        var done = 0;
        var means = request.Kind == AblationKind.Mean ? Means(request, model, units, batches, hooks, () => progress?.Invoke(++done, total)) : null;

        var ce = new double[units.Count];
        var kl = new double[units.Count];
        var logitSum = new double[units.Count + 1, targetIds.Length];
        var probSum = new double[units.Count + 1, targetIds.Length];
        double ceClean = 0;
        long tokens = 0;
        foreach (var batch in batches)
        {
            using var clean = model.Run(model.CreateFeed(batch));
            var cleanLogits = clean[0].ToArray<float>();
            var vocab = (int)clean[0].Shape[^1];
            var length = batch.Max(r => r.Length);
            var logProbs = LogSoftmaxRows(cleanLogits, vocab);
            var acts = needActivations ? hooks.Select((h, i) => (h, clean[i + 1].ToArray<float>())).ToDictionary(p => p.h, p => p.Item2, StringComparer.Ordinal) : null;
            for (var r = 0; r < batch.Length; r++)
            {
                for (var t = 0; t + 1 < batch[r].Length; t++) { ceClean -= logProbs[(r * length + t) * vocab + batch[r][t + 1]]; tokens++; }
                AddTargets(logitSum, probSum, 0, cleanLogits, logProbs, (r * length + batch[r].Length - 1) * vocab, targetIds);
            }
            progress?.Invoke(++done, total);
            for (var u = 0; u < units.Count; u++)
            {
                var unit = units[u];
                var feed = model.CreateFeed(batch);
                for (var r = 0; r < batch.Length; r++) Feed(feed, model, unit, batch, r, request.Kind, means, acts);
                using var ablated = model.Run(feed);
                var logits = ablated[0].ToArray<float>();
                var lp = LogSoftmaxRows(logits, vocab);
                for (var r = 0; r < batch.Length; r++)
                {
                    for (var t = 0; t + 1 < batch[r].Length; t++)
                    {
                        var at = (r * length + t) * vocab;
                        ce[u] -= lp[at + batch[r][t + 1]];
                        double k = 0;
                        for (var v = 0; v < vocab; v++) k += Math.Exp(logProbs[at + v]) * (logProbs[at + v] - lp[at + v]);
                        kl[u] += k;
                    }
                    AddTargets(logitSum, probSum, u + 1, logits, lp, (r * length + batch[r].Length - 1) * vocab, targetIds);
                }
                progress?.Invoke(++done, total);
            }
        }

        AblationTarget[] Targets(int row) => [.. targetIds.Select((id, i) => new AblationTarget(tokenizer.IdToToken(id) ?? id.ToString(), id,
            logitSum[row, i] / sequences.Length, probSum[row, i] / sequences.Length, (logitSum[row, i] - logitSum[0, i]) / sequences.Length))];
        var cleanLoss = ceClean / tokens;
        var results = units.Select((u, i) => new AblatedUnit(u.Label, u.Hook, u.Layer, u.Head, ce[i] / tokens, ce[i] / tokens - cleanLoss, kl[i] / tokens, Targets(i + 1))).ToArray();
        var (layers, grid) = HeadGrid(results, model);
        var meanSource = request.Kind != AblationKind.Mean ? null : request.MeanData ?? "the evaluated tokens";
        var result = new AblationResult(Path.GetFullPath(request.Model), request.Kind.ToString().ToLowerInvariant(), meanSource, sequences.Length, tokens,
            cleanLoss, Targets(0), results, layers, grid);
        if (request.Output is { } output)
        {
            Directory.CreateDirectory(output);
            var path = Path.Combine(output, File);
            System.IO.File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(result, ResultsFile.Json));
            System.IO.File.Move(path + ".tmp", path, overwrite: true);
            ResultsFile.Save(output, request.Metadata, (Entry, new[] { result }));
        }
        return result;
    }

    // Units in the order asked: whole hooks, heads, neurons, SAE features.
    private static List<AblationUnit> Units(AblationRequest request)
    {
        var units = new List<AblationUnit>();
        if (request.Hooks.Count > 0 || request.Heads is not null)
        {
            var onnx = OnnxModel.Load(request.Model);
            onnx.SelectNoCacheBranch();
            var map = HookDiscovery.Discover(onnx);
            foreach (var pattern in request.Hooks)
            {
                IReadOnlyList<HookPoint> found;
                try { found = map.Resolve([pattern]); }
                catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
                units.AddRange(found.Select(h => new AblationUnit(h.Name, h.Name)));
            }
            if (request.Heads is { } heads)
            {
                // Head counts: each block's attention pattern [batch, heads, query, key].
                var types = onnx.InferTypes();
                var perLayer = new Dictionary<int, int>();
                foreach (var h in map.Hooks)
                    if (h.Name.Split('.') is ["blocks", var l, "attn", "hook_pattern"] && types.Find(h.Tensor)?.Shape is { Count: 4 } s && s[1].Value is { } n)
                        perLayer[int.Parse(l)] = (int)n;
                if (perLayer.Count == 0) throw new BadInputException($"'{request.Model}' shows no attention pattern with a fixed head count (fused attention?), so its heads cannot be ablated one by one.");
                units.AddRange(AblationUnit.Heads(heads, perLayer));
            }
        }
        foreach (var spec in request.Neurons) units.AddRange(AblationUnit.Neurons(spec));
        if (request.Sae is { } sae)
        {
            if (!Sae.Sae.Exists(sae)) throw new BadInputException($"'{sae}' is not an SAE folder (no {Sae.Sae.ConfigFile} and {Sae.Sae.WeightsFile}); pass the folder 'analysis sae train' wrote.");
            units.AddRange(AblationUnit.SaeFeatures(request.SaeHook ?? Sae.Sae.Load(sae).Info.HookName, request.Features!));
        }
        return units;
    }

    // Batches of near-equal size, so resampling always has another row to draw from.
    private static List<int[][]> Batches(int[][] sequences, int size)
    {
        var count = (sequences.Length + size - 1) / size;
        var batches = new List<int[][]>();
        for (int b = 0, start = 0; b < count; b++)
        {
            var n = (sequences.Length - start) / (count - b);
            batches.Add(sequences[start..(start + n)]);
            start += n;
        }
        return batches;
    }

    // Means are per channel of a hook, or per feature of the SAE at a hook: one hook may have both.
    private static string MeanKey(AblationUnit unit) => unit.IsFeature ? "sae:" + unit.Hook : unit.Hook;

    // Per-channel means (or per-feature mean latents) from the dataset, or over the evaluated tokens.
    private static Dictionary<string, float[]> Means(AblationRequest request, InterventionModel model, List<AblationUnit> units, List<int[][]> batches, List<string> hooks, Action step)
    {
        var keys = units.DistinctBy(MeanKey).ToList();
        if (request.MeanData is { } data)
            return keys.ToDictionary(MeanKey, u => u.IsFeature ? Ablation.DatasetFeatureMean(data, u.Hook, model.Saes[u.Hook]) : Ablation.DatasetMean(data, u.Hook), StringComparer.Ordinal);
        var sums = keys.ToDictionary(MeanKey, u => new double[u.IsFeature ? model.Saes[u.Hook].DSae : model.Widths[u.Hook]], StringComparer.Ordinal);
        long rows = 0;
        foreach (var batch in batches)
        {
            using var run = model.Run(model.CreateFeed(batch));
            var length = batch.Max(r => r.Length);
            foreach (var u in keys)
            {
                var d = model.Widths[u.Hook];
                var acts = Real(run[hooks.IndexOf(u.Hook) + 1].ToArray<float>(), batch, length, d);
                var values = u.IsFeature ? Ablation.Latents(model.Saes[u.Hook], acts, acts.Length / d) : acts;
                var sum = sums[MeanKey(u)];
                for (var j = 0; j < values.Length; j++) sum[j % sum.Length] += values[j];
            }
            rows += batch.Sum(r => r.Length);
            step();
        }
        return sums.ToDictionary(p => p.Key, p => p.Value.Select(s => (float)(s / rows)).ToArray(), StringComparer.Ordinal);
    }

    // The real (unpadded) positions' rows of a [batch, length, d] activation.
    private static float[] Real(float[] acts, int[][] batch, int length, int d) =>
        [.. batch.SelectMany((r, i) => acts.Skip(i * length * d).Take(r.Length * d))];

    private static void Feed(InterventionFeed feed, InterventionModel model, AblationUnit unit, int[][] batch, int row, AblationKind kind,
        Dictionary<string, float[]>? means, Dictionary<string, float[]>? acts)
    {
        float[]? values = kind switch
        {
            AblationKind.Zero => null,
            AblationKind.Mean => means![MeanKey(unit)],
            _ => Resampled(model, unit, batch, row, acts![unit.Hook]),
        };
        if (unit.IsFeature) Ablation.ApplyFeatures(feed, model, unit.Hook, row, kind, unit.Features!, null, values);
        else Ablation.Apply(feed, model, unit.Hook, row, kind, unit.Channels, null, values);
    }

    // The next row's activation (or SAE latents) at each position, its last one past its end.
    private static float[] Resampled(InterventionModel model, AblationUnit unit, int[][] batch, int row, float[] acts)
    {
        var d = model.Widths[unit.Hook];
        var length = batch.Max(r => r.Length);
        var source = (row + 1) % batch.Length;
        var n = batch[row].Length;
        var picked = new float[n * d];
        for (var t = 0; t < n; t++)
            Array.Copy(acts, (source * length + Math.Min(t, batch[source].Length - 1)) * d, picked, t * d, d);
        return unit.IsFeature ? Ablation.Latents(model.Saes[unit.Hook], picked, n) : picked;
    }

    private static void AddTargets(double[,] logitSum, double[,] probSum, int row, float[] logits, double[] logProbs, int at, int[] ids)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            logitSum[row, i] += logits[at + ids[i]];
            probSum[row, i] += Math.Exp(logProbs[at + ids[i]]);
        }
    }

    private static double[] LogSoftmaxRows(float[] logits, int vocab)
    {
        var lp = new double[logits.Length];
        for (var at = 0; at < logits.Length; at += vocab)
        {
            var row = logits.AsSpan(at, vocab);
            var max = System.Numerics.Tensors.TensorPrimitives.Max(row);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            var lse = max + Math.Log(sum);
            for (var v = 0; v < vocab; v++) lp[at + v] = row[v] - lse;
        }
        return lp;
    }

    private static (int[]? Layers, double[][]? Grid) HeadGrid(AblatedUnit[] units, InterventionModel model)
    {
        var heads = units.Where(u => u.Head is not null).ToArray();
        if (heads.Length == 0) return (null, null);
        var layers = heads.Select(u => u.Layer!.Value).Distinct().Order().ToArray();
        var width = heads.Max(u => model.Heads[u.Hook].Heads);
        var grid = layers.Select(_ => Enumerable.Repeat(double.NaN, width).ToArray()).ToArray();
        foreach (var u in heads) grid[Array.IndexOf(layers, u.Layer!.Value)][u.Head!.Value] = u.DeltaCe;
        return (layers, grid);
    }
}
