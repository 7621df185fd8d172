using Analysis.Lens;
using Analysis.Parquet;
using Analysis.Tokenizers;

namespace Analysis.Generation;

/// <summary>
/// The logit lens during generation: observes each step of <see cref="Generator.Run"/> (the residual stream of every
/// chosen layer at the position that chose the new token) and reads it through the model's own finish
/// (<see cref="StepLens"/>): each layer's top tokens, the generated token's probability and rank, entropy and KL to the
/// final layer. The generation model only exposes the hooks; the finish runs in a small session of its own.
/// </summary>
public sealed class GenerationLens : IGenerationObserver, IDisposable
{
    /// <summary>The results.json entry.</summary>
    public const string Entry = "generation_lens";
    /// <summary>The per-step Parquet file's name.</summary>
    public const string TokensFile = "generation_lens.parquet";

    private readonly StepLens lens;
    private readonly List<GenerationLensStep> steps = [];
    private readonly int promptLength;
    private readonly bool intervened;

    private GenerationLens(StepLens lens, int promptLength, bool intervened) => (this.lens, this.promptLength, this.intervened) = (lens, promptLength, intervened);

    /// <summary>Builds the lens for <paramref name="request"/>'s model; bad hooks, sizes or token sets throw <see cref="BadInputException"/>.</summary>
    public static GenerationLens Open(GenerationRequest request, IReadOnlyList<string> hooks, int topK = 5, string? tokenSets = null)
    {
        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var promptLength = tokenizer.Encode(request.Prompt).Ids.Length;
        return new GenerationLens(StepLens.Open(request.Model, tokenizer, hooks, topK, tokenSets), promptLength,
            request.Steering.Count + request.Clamps.Count > 0);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Hooks => lens.Hooks;

    /// <summary>How many top tokens each layer keeps.</summary>
    public int TopK => lens.TopK;

    /// <inheritdoc/>
    public void Observe(int step, int token, IReadOnlyList<float[]> lastPosition)
    {
        var layers = lens.Analyze(lastPosition, token).Select(l => new GenerationLensLayer(l.Hook, l.TokenRank, l.TokenProbability, l.Entropy,
            l.KlToFinal, l.TopIds, l.TopIds.Select(lens.TokenString).ToArray(), l.TopProbabilities, l.SetMass)).ToList();
        steps.Add(new GenerationLensStep(step, promptLength - 1 + step, token, lens.TokenString(token), layers));
    }

    /// <summary>What was observed so far.</summary>
    public GenerationLensResult Result => new(lens.Finish, lens.Hooks, lens.Sets.Sets.Select(s => s.Name).ToList(), intervened, steps.ToList());

    /// <summary>Writes OUT/generation_lens.parquet: one row per step and layer (written under a temporary name, renamed when complete).</summary>
    public void WriteParquet(string directory)
    {
        Directory.CreateDirectory(directory);
        var k = lens.TopK;
        var sets = lens.Sets.Sets.Select(s => s.Name).ToList();
        var fields = new List<ParquetField>
        {
            ParquetField.Int32("step"), ParquetField.Int32("position"), ParquetField.Int32("token_id"), ParquetField.String("token"),
            ParquetField.Int32("layer"), ParquetField.String("hook"), ParquetField.Int32("token_rank"), ParquetField.Float("token_prob"),
            ParquetField.Float("entropy"), ParquetField.Float("kl_to_final"),
        };
        for (var j = 1; j <= k; j++)
            fields.AddRange([ParquetField.Int32($"top{j}_id"), ParquetField.String($"top{j}_token"), ParquetField.Float($"top{j}_prob")]);
        fields.AddRange(sets.Select(s => ParquetField.Float($"mass_{s}")));
        foreach (var f in fields.GroupBy(f => f.Name).Where(g => g.Count() > 1))
            throw new BadInputException($"Two token sets make the same column '{f.Key}'; give the sets distinct names.");

        var rows = steps.SelectMany(s => s.Layers.Select((l, i) => (Step: s, Index: i, Layer: l))).ToList();
        using var writer = ParquetWriter.Create(Path.Combine(directory, TokensFile), fields);
        writer.SetMetadata("analysis.lens.finish", lens.Finish);
        if (rows.Count > 0) Write(writer, rows, k, sets);
        writer.Finish();
    }

    private static void Write(ParquetWriter writer, List<(GenerationLensStep Step, int Index, GenerationLensLayer Layer)> rows, int k, IReadOnlyList<string> sets)
    {
        writer.WriteInt32("step", rows.Select(r => r.Step.Step).ToArray());
        writer.WriteInt32("position", rows.Select(r => r.Step.Position).ToArray());
        writer.WriteInt32("token_id", rows.Select(r => r.Step.TokenId).ToArray());
        writer.WriteStrings("token", rows.Select(r => (string?)r.Step.Token).ToArray());
        writer.WriteInt32("layer", rows.Select(r => r.Index).ToArray());
        writer.WriteStrings("hook", rows.Select(r => (string?)r.Layer.Hook).ToArray());
        writer.WriteInt32("token_rank", rows.Select(r => r.Layer.TokenRank).ToArray());
        writer.WriteFloat("token_prob", rows.Select(r => r.Layer.TokenProbability).ToArray());
        writer.WriteFloat("entropy", rows.Select(r => r.Layer.Entropy).ToArray());
        writer.WriteFloat("kl_to_final", rows.Select(r => r.Layer.KlToFinal).ToArray());
        for (var j = 0; j < k; j++)
        {
            writer.WriteInt32($"top{j + 1}_id", rows.Select(r => r.Layer.TopIds[j]).ToArray());
            writer.WriteStrings($"top{j + 1}_token", rows.Select(r => (string?)r.Layer.TopTokens[j]).ToArray());
            writer.WriteFloat($"top{j + 1}_prob", rows.Select(r => r.Layer.TopProbabilities[j]).ToArray());
        }
        for (var s = 0; s < sets.Count; s++)
            writer.WriteFloat($"mass_{sets[s]}", rows.Select(r => r.Layer.SetMass[s]).ToArray());
        writer.EndBatch();
    }

    /// <inheritdoc/>
    public void Dispose() => lens.Dispose();
}
