using Google.Protobuf;
using Analysis.Extraction;
using Analysis.Onnx;
using Analysis.Runtime;

namespace Analysis.Sae;

/// <summary>
/// A feature's direct effect on the logits: its decoder direction put through the model's own finish (final norm, then
/// unembedding), cut out of the model as the logit lens does (<see cref="ModelFinish"/>), so no model-specific code.
/// The norm is handled by running it: effect_j = finish(u_j) − finish(0), where u_j is decoder row j (b_dec left out)
/// scaled to unit RMS. RMSNorm and LayerNorm ignore the input's scale (up to ε), so this is the norm's gain γ applied
/// to the direction (centred first by a LayerNorm), times W_U — W_dec·W_U with the norm folded in, as SAELens's and
/// TransformerLens's fold_ln give it; subtracting finish(0) removes a LayerNorm's β·W_U and an unembedding bias, which
/// are the same for every feature. Units: logits per unit-RMS residual direction.
/// </summary>
public sealed class LogitEffect
{
    private LogitEffect(string finish, int vocab, float[] effects, int rows)
    {
        (Finish, Vocab, Effects, Rows) = (finish, vocab, effects, rows);
    }

    /// <summary>Where the finish runs, e.g. "blocks.1.hook_resid_post → logits".</summary>
    public string Finish { get; }

    /// <summary>Logits per direction.</summary>
    public int Vocab { get; }

    /// <summary>Number of directions.</summary>
    public int Rows { get; }

    /// <summary>Row-major [Rows × Vocab] logit effects.</summary>
    public float[] Effects { get; }

    /// <summary>
    /// The logit effects of <paramref name="directions"/> [rows × d] under the finish of <paramref name="modelPath"/>; null,
    /// with <paramref name="missing"/> saying why, when the model has no finish (no final norm, e.g. BERT). Throws
    /// <see cref="BadInputException"/> when the finish does not read rows of d.
    /// </summary>
    public static LogitEffect? Compute(string modelPath, string? hookMapPath, float[] directions, int rows, int d, out string missing)
    {
        var (model, _, map) = DerivedGraphCache.Open(modelPath, hookMapPath);
        var finish = ModelFinish.Find(model, map, out missing);
        if (finish is null) return null;
        OnnxModel cut;
        try { cut = finish.Cut(model); }
        catch (ArgumentException e)
        {
            throw new BadInputException($"The finish of '{modelPath}' (from '{finish.Residual}' to '{finish.Logits}') cannot be cut out on its own: {e.Message.TrimEnd('.')}.", e);
        }
        using var session = InferenceSession.FromBytes(cut.Proto.ToByteArray());
        var input = session.Inputs.Single();
        if (input.Shape.Count is not (2 or 3) || input.Shape[^1] is { IsFixed: true } w && w.Size != d)
            throw new BadInputException($"The final norm of '{modelPath}' reads {string.Join(" × ", input.Shape)} values, not rows of {d}; use the model the SAE was trained on.");
        var output = session.Outputs.Any(o => o.Name == finish.Logits) ? finish.Logits : session.Outputs[0].Name;

        float[] Run(float[] x, int n)
        {
            var tensor = input.Shape.Count == 3 ? Tensor.Create(x, 1, n, d) : Tensor.Create(x, n, d);
            using var r = session.Run(new Dictionary<string, Tensor> { [input.Name] = tensor }, [output]);
            return r[0].ToArray<float>();
        }

        var zero = Run(new float[d], 1);
        var vocab = zero.Length;
        var effects = new float[(long)rows * vocab];
        var chunk = Math.Max(1, Math.Min(rows, (1 << 24) / vocab));
        for (var start = 0; start < rows; start += chunk)
        {
            var n = Math.Min(chunk, rows - start);
            var x = new float[n * d];
            for (var i = 0; i < n; i++)
            {
                var row = directions.AsSpan((start + i) * d, d);
                var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
                if (!(norm > 0)) continue; // a zero direction has no effect: finish(0) − finish(0)
                var scale = MathF.Sqrt(d) / norm;
                for (var t = 0; t < d; t++) x[i * d + t] = row[t] * scale;
            }
            var logits = Run(x, n);
            for (var i = 0; i < n; i++)
                for (var v = 0; v < vocab; v++) effects[(long)(start + i) * vocab + v] = logits[i * vocab + v] - zero[v];
        }
        return new LogitEffect($"{finish.ResidualHook} → {finish.Logits}", vocab, effects, rows);
    }

    /// <summary>Row <paramref name="row"/>'s <paramref name="n"/> largest effects (descending) and <paramref name="n"/> smallest (ascending), as (token id, effect); ties go to the smaller id.</summary>
    public ((int Id, float Value)[] Top, (int Id, float Value)[] Bottom) Extremes(int row, int n)
    {
        var effects = Effects.AsSpan((int)((long)row * Vocab), Vocab);
        n = Math.Min(n, Vocab);
        return (Select(effects, n, 1), Select(effects, n, -1));
    }

    // One pass keeping the n best in a small sorted list: a few comparisons per token, not a sort of the vocabulary.
    private static (int Id, float Value)[] Select(ReadOnlySpan<float> effects, int n, int sign)
    {
        var best = new List<(int Id, float Value)>(n + 1);
        for (var v = 0; v < effects.Length; v++)
        {
            var key = sign * effects[v];
            if (best.Count == n && key <= sign * best[^1].Value) continue;
            var at = best.Count;
            while (at > 0 && sign * best[at - 1].Value < key) at--;
            best.Insert(at, (v, effects[v]));
            if (best.Count > n) best.RemoveAt(n);
        }
        return [.. best];
    }
}
