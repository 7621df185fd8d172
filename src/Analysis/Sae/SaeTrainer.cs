using System.Numerics.Tensors;

namespace Analysis.Sae;

/// <summary>
/// Trains one SAE by sparse steps. Per batch of B tokens the one dense product is the encoder's (B × d_in × d_sae);
/// the decoder, the error's gradient and the encoder's gradient touch only the selected latents (B·k rows of d_in).
/// The loss (inputs already normalised): MSE = mean over tokens of ‖x̂ − x‖², plus λ·mean Σ z·‖W_dec row‖ (ReLU), plus
/// AuxK (TopK, BatchTopK): α·scale·mean ‖ê − (x − x̂)‖² where ê decodes, without b_dec, the top d_in/2 dead latents.
/// After the gradient, W_dec's gradient loses its component along each row, Adam steps, and W_dec rows are set back to
/// unit norm. Every sum runs in a fixed order, so results do not depend on the number of threads.
/// </summary>
public sealed class SaeTrainer
{
    private const int LatentChunk = 64, RowChunk = 64;
    private readonly AdamSettings _adam;
    private float[] _xc = [], _pre = [], _err = [], _gradOut = [], _auxGrad = [];
    private readonly float[] _gEnc, _gEncBias, _gDec, _gDecBias;

    /// <summary>Starts from the given weights (taken over, not copied).</summary>
    public SaeTrainer(SaeSpec spec, SaeWeights initial, AdamSettings? adam = null)
    {
        spec.Validate();
        if (initial.DIn != spec.DIn || initial.DSae != spec.DSae) throw new ArgumentException("Initial weights do not match the SAE's shape.");
        Spec = spec;
        Weights = initial;
        _adam = adam ?? new AdamSettings();
        var n = (long)spec.DIn * spec.DSae;
        Moments = new AdamMoments(n, spec.DSae, spec.DIn);
        TokensSinceFired = new long[spec.DSae];
        _gEnc = new float[n]; _gDec = new float[n]; _gEncBias = new float[spec.DSae]; _gDecBias = new float[spec.DIn];
    }

    /// <summary>The SAE being trained.</summary>
    public SaeSpec Spec { get; }

    /// <summary>Current weights, in normalised input units.</summary>
    public SaeWeights Weights { get; }

    /// <summary>Adam steps taken.</summary>
    public long Steps { get; internal set; }

    /// <summary>Per latent, tokens seen since it last fired.</summary>
    public long[] TokensSinceFired { get; }

    internal AdamMoments Moments { get; }

    /// <summary>Fraction of latents that have not fired for <see cref="SaeSpec.DeadTokens"/> tokens.</summary>
    public double DeadFraction => TokensSinceFired.Count(t => t >= Spec.DeadTokens) / (double)Spec.DSae;

    /// <summary>Loss and gradients for a batch [rows × d_in] without changing anything.</summary>
    public SaeGradients Gradients(float[] x, int rows)
    {
        int d = Spec.DIn, m = Spec.DSae;
        var w = Weights;
        if (x.Length < (long)rows * d) throw new ArgumentException("The batch holds fewer than rows × d_in values.");
        EnsureBuffers(rows);
        float[] xc = _xc, pre = _pre, err = _err, gOut = _gradOut;

        // Encoder: ReLU((x − b_dec)·W_enc + b_enc), the one dense product.
        ParallelWork.For(rows, d, i => TensorPrimitives.Subtract(x.AsSpan(i * d, d), w.DecoderBias, xc.AsSpan(i * d, d)));
        EncoderKernel.Forward(xc, rows, d, w.EncoderRows, w.EncoderBias, m, pre);
        var codes = Spec.Architecture switch
        {
            SaeArchitecture.TopK => LatentSelection.TopK(pre, rows, m, Spec.K),
            SaeArchitecture.BatchTopK => LatentSelection.BatchTopK(pre, rows, m, (long)Spec.K * rows),
            _ => LatentSelection.Above(pre, rows, m),
        };

        // Decoder over the selected latents, and the error x̂ − x.
        var sqErr = new double[rows];
        var perRow = (long)d * (codes.Count / Math.Max(1, rows) + 3);
        ParallelWork.For(rows, perRow, i =>
        {
            var e = err.AsSpan(i * d, d);
            w.DecoderBias.CopyTo(e);
            Decode(codes, i, w.DecoderRows, d, e);
            TensorPrimitives.Subtract(e, x.AsSpan(i * d, d), e);
            sqErr[i] = TensorPrimitives.Dot(e, e);
            TensorPrimitives.Multiply(e, 2f / rows, gOut.AsSpan(i * d, d));
        });

        // AuxK: the top d_in/2 dead latents predict the residual x − x̂ (Gao et al., appendix B.1).
        var dead = Enumerable.Range(0, m).Where(j => TokensSinceFired[j] >= Spec.DeadTokens).ToArray();
        SparseCodes? aux = null;
        var auxLoss = 0.0;
        if (Spec.Architecture != SaeArchitecture.Relu && dead.Length > 0 && d / 2 > 0)
        {
            var kAux = Math.Min(d / 2, dead.Length);
            var scale = Math.Min(dead.Length / (double)(d / 2), 1.0);
            aux = LatentSelection.TopK(pre, rows, m, kAux, dead);
            var auxSq = new double[rows];
            var coef = (float)(2 * Spec.AuxKCoefficient * scale / rows);
            var auxGrad = _auxGrad;
            ParallelWork.For(rows, (long)d * (kAux + 3), i =>
            {
                var g = auxGrad.AsSpan(i * d, d);
                g.Clear();
                Decode(aux, i, w.DecoderRows, d, g);
                TensorPrimitives.Add(g, err.AsSpan(i * d, d), g); // ê − (x − x̂)
                auxSq[i] = TensorPrimitives.Dot(g, g);
                TensorPrimitives.Multiply(g, coef, g);
            });
            auxLoss = Spec.AuxKCoefficient * scale * Sum(auxSq) / rows;
        }

        // ∂loss/∂z for each selected entry: the output gradient through W_dec, plus λ‖W_dec row‖ for ReLU.
        var decNorms = Spec.Architecture == SaeArchitecture.Relu ? RowNorms(w.DecoderRows, m, d) : null;
        var l1Scale = Spec.L1Coefficient / rows;
        var dz = LatentGradients(codes, gOut, w.DecoderRows, d, decNorms, l1Scale);
        var dzAux = aux is null ? null : LatentGradients(aux, _auxGrad, w.DecoderRows, d, null, 0);
        var l1 = 0.0;
        if (decNorms is not null)
            for (var p = 0; p < codes.Count; p++) l1 += codes.Values[p] * decNorms[codes.Latents[p]];
        l1 *= l1Scale;

        // Per latent: W_enc and W_dec rows and b_enc, from the tokens that selected it.
        var main = LatentColumns.Of(codes, m);
        var auxCols = aux is null ? null : LatentColumns.Of(aux, m);
        var perChunk = LatentChunk * (long)d * (4 + 2 * (codes.Count + (aux?.Count ?? 0)) / m);
        ParallelWork.For((m + LatentChunk - 1) / LatentChunk, perChunk, c =>
        {
            for (int j = c * LatentChunk, end = Math.Min(m, j + LatentChunk); j < end; j++)
            {
                var ge = _gEnc.AsSpan(j * d, d); var gd = _gDec.AsSpan(j * d, d);
                ge.Clear(); gd.Clear();
                var bias = 0f;
                bias += Accumulate(main, j, codes, dz, xc, gOut, d, ge, gd);
                if (auxCols is not null) bias += Accumulate(auxCols, j, aux!, dzAux!, xc, _auxGrad, d, ge, gd);
                _gEncBias[j] = bias;
                // Remove the component along the (unit) decoder row: the step cannot change the row's norm.
                var wd = w.DecoderRows.AsSpan(j * d, d);
                TensorPrimitives.MultiplyAdd(wd, -TensorPrimitives.Dot(gd, wd), gd, gd);
            }
        });

        // b_dec: added by the decoder, subtracted before the encoder.
        Array.Clear(_gDecBias);
        for (var i = 0; i < rows; i++) TensorPrimitives.Add(_gDecBias, gOut.AsSpan(i * d, d), _gDecBias);
        for (var j = 0; j < m; j++)
            if (_gEncBias[j] != 0) TensorPrimitives.MultiplyAdd(w.EncoderRows.AsSpan(j * d, d), -_gEncBias[j], _gDecBias, _gDecBias);

        var mse = Sum(sqErr) / rows;
        return new SaeGradients
        {
            Loss = mse + l1 + auxLoss, Mse = mse, L1 = l1, AuxK = auxLoss,
            Fvu = Sum(sqErr) / TotalVariance(x, rows, d), L0 = codes.Count / (double)rows, Dead = dead.Length,
            EncoderRows = _gEnc, EncoderBias = _gEncBias, DecoderRows = _gDec, DecoderBias = _gDecBias, Codes = codes,
        };
    }

    /// <summary>One training step on a batch [rows × d_in] at learning rate lr; returns the batch's loss terms (before the step).</summary>
    public SaeGradients Step(float[] x, int rows, double lr)
    {
        var g = Gradients(x, rows);
        Steps++;
        var w = Weights;
        Adam.Update(w.EncoderRows, g.EncoderRows, Moments.EncoderRowsM, Moments.EncoderRowsV, lr, Steps, _adam);
        Adam.Update(w.EncoderBias, g.EncoderBias, Moments.EncoderBiasM, Moments.EncoderBiasV, lr, Steps, _adam);
        Adam.Update(w.DecoderRows, g.DecoderRows, Moments.DecoderRowsM, Moments.DecoderRowsV, lr, Steps, _adam);
        Adam.Update(w.DecoderBias, g.DecoderBias, Moments.DecoderBiasM, Moments.DecoderBiasV, lr, Steps, _adam);
        int d = Spec.DIn, m = Spec.DSae;
        ParallelWork.For((m + LatentChunk - 1) / LatentChunk, LatentChunk * 2L * d, c =>
        {
            for (int j = c * LatentChunk, end = Math.Min(m, j + LatentChunk); j < end; j++)
            {
                var row = w.DecoderRows.AsSpan(j * d, d);
                TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
            }
        });
        var codes = g.Codes;
        if (Spec.Architecture == SaeArchitecture.BatchTopK && codes.Count > 0)
        {
            // Bussmann et al.: the inference threshold follows the smallest activation the batch kept.
            var min = TensorPrimitives.Min(codes.Values.AsSpan(0, codes.Count));
            w.Threshold = (1 - Spec.ThresholdRate) * w.Threshold + Spec.ThresholdRate * min;
        }
        for (var j = 0; j < m; j++) TokensSinceFired[j] += rows;
        for (var p = 0; p < codes.Count; p++) TokensSinceFired[codes.Latents[p]] = 0;
        return g;
    }

    private void EnsureBuffers(int rows)
    {
        long n = (long)rows * Spec.DIn, np = (long)rows * Spec.DSae;
        if (_xc.Length != n) { _xc = new float[n]; _err = new float[n]; _gradOut = new float[n]; _auxGrad = new float[n]; }
        if (_pre.Length != np) _pre = new float[np];
    }

    internal static void Decode(SparseCodes codes, int row, float[] decoder, int d, Span<float> into)
    {
        for (int p = codes.RowStart[row], end = codes.RowStart[row + 1]; p < end; p++)
            TensorPrimitives.MultiplyAdd(decoder.AsSpan(codes.Latents[p] * d, d), codes.Values[p], into, into);
    }

    private static float[] LatentGradients(SparseCodes codes, float[] gOut, float[] decoder, int d, float[]? norms, float l1Scale)
    {
        var dz = new float[codes.Count];
        var rows = codes.Rows;
        ParallelWork.For((rows + RowChunk - 1) / RowChunk, RowChunk * (long)d * (codes.Count / Math.Max(1, rows) + 1), c =>
        {
            for (int i = c * RowChunk, end = Math.Min(rows, i + RowChunk); i < end; i++)
            {
                var g = gOut.AsSpan(i * d, d);
                for (int p = codes.RowStart[i], pe = codes.RowStart[i + 1]; p < pe; p++)
                {
                    var j = codes.Latents[p];
                    dz[p] = TensorPrimitives.Dot(g, decoder.AsSpan(j * d, d)) + (norms is null ? 0 : l1Scale * norms[j]);
                }
            }
        });
        return dz;
    }

    private static float Accumulate(LatentColumns cols, int j, SparseCodes codes, float[] dz, float[] xc, float[] gOut, int d, Span<float> ge, Span<float> gd)
    {
        var bias = 0f;
        for (int q = cols.Start[j], end = cols.Start[j + 1]; q < end; q++)
        {
            int i = cols.Row[q], p = cols.Entry[q];
            TensorPrimitives.MultiplyAdd(xc.AsSpan(i * d, d), dz[p], ge, ge);
            TensorPrimitives.MultiplyAdd(gOut.AsSpan(i * d, d), codes.Values[p], gd, gd);
            bias += dz[p];
        }
        return bias;
    }

    private static float[] RowNorms(float[] rows, int m, int d)
    {
        var norms = new float[m];
        for (var j = 0; j < m; j++) norms[j] = TensorPrimitives.Norm(rows.AsSpan(j * d, d));
        return norms;
    }

    internal static double TotalVariance(float[] x, int rows, int d)
    {
        var mean = new double[d];
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) mean[t] += x[i * d + t];
        for (var t = 0; t < d; t++) mean[t] /= rows;
        var total = 0.0;
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) { var v = x[i * d + t] - mean[t]; total += v * v; }
        return total;
    }

    private static double Sum(double[] values) { var s = 0.0; foreach (var v in values) s += v; return s; }
}

/// <summary>Adam's first and second moments for every parameter tensor.</summary>
internal sealed class AdamMoments(long n, int dSae, int dIn)
{
    public float[] EncoderRowsM { get; } = new float[n];
    public float[] EncoderRowsV { get; } = new float[n];
    public float[] EncoderBiasM { get; } = new float[dSae];
    public float[] EncoderBiasV { get; } = new float[dSae];
    public float[] DecoderRowsM { get; } = new float[n];
    public float[] DecoderRowsV { get; } = new float[n];
    public float[] DecoderBiasM { get; } = new float[dIn];
    public float[] DecoderBiasV { get; } = new float[dIn];
}

/// <summary>Sparse codes transposed to per-latent lists (token row, entry index), tokens in ascending order.</summary>
internal sealed class LatentColumns
{
    public required int[] Start { get; init; }
    public required int[] Row { get; init; }
    public required int[] Entry { get; init; }

    public static LatentColumns Of(SparseCodes codes, int m)
    {
        var start = new int[m + 1];
        for (var p = 0; p < codes.Count; p++) start[codes.Latents[p] + 1]++;
        for (var j = 0; j < m; j++) start[j + 1] += start[j];
        var fill = (int[])start.Clone();
        var row = new int[codes.Count]; var entry = new int[codes.Count];
        for (var i = 0; i < codes.Rows; i++)
            for (int p = codes.RowStart[i], end = codes.RowStart[i + 1]; p < end; p++)
            {
                var q = fill[codes.Latents[p]]++;
                row[q] = i; entry[q] = p;
            }
        return new LatentColumns { Start = start, Row = row, Entry = entry };
    }
}
