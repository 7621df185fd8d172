using Analysis.Onnx;
using Analysis.Results;
using Analysis.Tokenizers;

namespace Analysis.Interventions;

/// <summary>What to patch: a model, clean/corrupted pairs, and the hooks to sweep over.</summary>
public sealed record PatchingRequest
{
    /// <summary>The ONNX model.</summary>
    public required string Model { get; init; }

    /// <summary>tokenizer.json (or tokenizer.bin).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The prompt pairs; every prompt must have the same number of tokens.</summary>
    public required IReadOnlyList<PatchPair> Pairs { get; init; }

    /// <summary>Hook patterns, one hook per layer (default: the residual stream entering each block).</summary>
    public IReadOnlyList<string> Hooks { get; init; } = ["blocks.*.hook_resid_pre"];

    /// <summary>Output folder (results.json), or null to write nothing.</summary>
    public string? Output { get; init; }

    /// <summary>Run metadata for the report.</summary>
    public Dictionary<string, string> Metadata { get; init; } = [];
}

/// <summary>What <c>analysis patch</c> writes under the results.json entry "patching".</summary>
/// <param name="Model">The model file.</param>
/// <param name="Hooks">The swept hooks (heatmap rows).</param>
/// <param name="Positions">Position labels: the first clean prompt's tokens, "clean→corrupted" where the prompts differ (heatmap columns).</param>
/// <param name="Restored">[hook][position]: (metric patched − corrupted) / (clean − corrupted), metrics averaged over pairs.</param>
/// <param name="CleanMetric">Mean logit(answer) − logit(wrong) on the clean prompts.</param>
/// <param name="CorruptedMetric">The same on the corrupted prompts.</param>
/// <param name="Pairs">How many pairs.</param>
/// <param name="Metric">The metric, in words.</param>
public sealed record PatchingResult(string Model, string[] Hooks, string[] Positions, double[][] Restored, double CleanMetric, double CorruptedMetric, int Pairs, string Metric);

/// <summary>
/// Activation patching: run the corrupted prompts with one hook at one position replaced by its value from the clean run,
/// for every hook × position, and report the fraction of the clean − corrupted metric difference each patch restores.
/// One batch per hook carries every (pair, position) patch, each row its own intervention.
/// </summary>
public static class PatchingSweep
{
    /// <summary>The results.json entry patching results are stored under.</summary>
    public const string Entry = "patching";

    /// <summary>Runs the sweep; <paramref name="onHook"/> sees each hook as it is done.</summary>
    public static PatchingResult Run(PatchingRequest request, Action<string>? onHook = null)
    {
        if (request.Pairs.Count == 0) throw new BadInputException("No prompt pairs given; pass a .jsonl file with clean, corrupted, answer and wrong.");
        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var clean = request.Pairs.Select(p => tokenizer.Encode(p.Clean).Ids).ToArray();
        var corrupted = request.Pairs.Select(p => tokenizer.Encode(p.Corrupted).Ids).ToArray();
        var length = clean[0].Length;
        for (var i = 0; i < clean.Length; i++)
            if (clean[i].Length != length || corrupted[i].Length != length)
                throw new BadInputException($"Pair {i + 1} has {clean[i].Length} clean and {corrupted[i].Length} corrupted tokens but pair 1's clean prompt has {length}; patching by position needs every prompt to have the same token count.");
        var answers = request.Pairs.Select(p => (SteeringExperiment.TokenId(tokenizer, p.Answer), SteeringExperiment.TokenId(tokenizer, p.Wrong))).ToArray();

        var hooks = HookNamesOf(request.Model, request.Hooks);
        using var model = InterventionModel.Open(request.Model, [.. hooks.Select(h => new InterventionPoint(h, EditKind.Replace))], readHooks: hooks);
        double Metric(float[] logits, int vocab, int row, int pair) =>
            logits[(row * length + length - 1) * vocab + answers[pair].Item1] - logits[(row * length + length - 1) * vocab + answers[pair].Item2];

        using var cleanRun = model.Run(model.CreateFeed(clean));
        var vocab = (int)cleanRun[0].Shape[^1];
        var cleanLogits = cleanRun[0].ToArray<float>();
        var cleanMetric = Enumerable.Range(0, clean.Length).Average(p => Metric(cleanLogits, vocab, p, p));
        var cleanActs = hooks.Select((h, i) => cleanRun[i + 1].ToArray<float>()).ToArray();
        double corruptedMetric;
        using (var corruptedRun = model.Run(model.CreateFeed(corrupted)))
        {
            var logits = corruptedRun[0].ToArray<float>();
            corruptedMetric = Enumerable.Range(0, corrupted.Length).Average(p => Metric(logits, vocab, p, p));
        }
        var span = cleanMetric - corruptedMetric;
        if (Math.Abs(span) < 1e-6)
            throw new BadInputException($"The clean and corrupted prompts give the same mean logit difference ({cleanMetric:g4}); choose pairs and answers that the corruption changes.");

        var restored = new double[hooks.Count][];
        for (var h = 0; h < hooks.Count; h++)
        {
            var hook = hooks[h];
            var d = model.Widths[hook];
            // Rows: (position, pair); row r patches position r / pairs of pair r % pairs.
            var rows = Enumerable.Range(0, length * clean.Length).Select(r => corrupted[r % clean.Length]).ToArray();
            var feed = model.CreateFeed(rows);
            var keep = feed.Keep(hook);
            var values = feed.Values(hook);
            for (var r = 0; r < rows.Length; r++)
            {
                var (t, p) = (r / clean.Length, r % clean.Length);
                var at = (r * length + t) * d;
                keep.AsSpan(at, d).Fill(false);
                cleanActs[h].AsSpan((p * length + t) * d, d).CopyTo(values.AsSpan(at, d));
            }
            using var run = model.Run(feed);
            var logits = run[0].ToArray<float>();
            restored[h] = Enumerable.Range(0, length)
                .Select(t => (Enumerable.Range(0, clean.Length).Average(p => Metric(logits, vocab, t * clean.Length + p, p)) - corruptedMetric) / span).ToArray();
            onHook?.Invoke(hook);
        }
        var positions = Enumerable.Range(0, length).Select(t =>
        {
            var a = tokenizer.IdToToken(clean[0][t]) ?? "?";
            var b = tokenizer.IdToToken(corrupted[0][t]) ?? "?";
            return a == b ? $"{t} {a}" : $"{t} {a}→{b}";
        }).ToArray();
        var result = new PatchingResult(Path.GetFullPath(request.Model), [.. hooks], positions, restored, cleanMetric, corruptedMetric, clean.Length,
            "logit(answer) − logit(wrong) at the last position");
        if (request.Output is { } output) ResultsFile.Save(output, request.Metadata, (Entry, new[] { result }));
        return result;
    }

    /// <summary>The canonical hook names the patterns select, in model order.</summary>
    public static IReadOnlyList<string> HookNamesOf(string modelPath, IReadOnlyList<string> patterns)
    {
        var model = OnnxModel.Load(modelPath);
        model.SelectNoCacheBranch();
        try { return HookDiscovery.Discover(model).Resolve(patterns).Select(h => h.Name).ToList(); }
        catch (ArgumentException e) { throw new BadInputException(e.Message, e); }
    }
}
