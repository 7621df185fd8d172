namespace Analysis.Sae;

/// <summary>
/// An SAE's parameters, row per latent for both matrices so that a latent's encoder and decoder directions are
/// contiguous: <c>EncoderRows</c> is W_encᵀ [d_sae × d_in], <c>DecoderRows</c> is W_dec [d_sae × d_in].
/// </summary>
public sealed class SaeWeights
{
    /// <summary>Input width.</summary>
    public int DIn { get; }

    /// <summary>Number of latents.</summary>
    public int DSae { get; }

    /// <summary>W_encᵀ, [d_sae × d_in] row-major: row j is latent j's encoder direction.</summary>
    public float[] EncoderRows { get; }

    /// <summary>b_enc [d_sae].</summary>
    public float[] EncoderBias { get; }

    /// <summary>W_dec, [d_sae × d_in] row-major: row j is latent j's decoder direction.</summary>
    public float[] DecoderRows { get; }

    /// <summary>b_dec [d_in]: subtracted before encoding, added after decoding.</summary>
    public float[] DecoderBias { get; }

    /// <summary>The BatchTopK inference threshold (JumpReLU: a latent is active when its pre-activation exceeds it); 0 otherwise.</summary>
    public float Threshold { get; set; }

    /// <summary>Wraps existing arrays (not copied).</summary>
    public SaeWeights(int dIn, int dSae, float[] encoderRows, float[] encoderBias, float[] decoderRows, float[] decoderBias, float threshold = 0)
    {
        if (encoderRows.Length != (long)dIn * dSae || decoderRows.Length != (long)dIn * dSae || encoderBias.Length != dSae || decoderBias.Length != dIn)
            throw new ArgumentException($"SAE weight shapes do not match d_in {dIn} and d_sae {dSae}.");
        (DIn, DSae, EncoderRows, EncoderBias, DecoderRows, DecoderBias, Threshold) = (dIn, dSae, encoderRows, encoderBias, decoderRows, decoderBias, threshold);
    }

    /// <summary>A deep copy.</summary>
    public SaeWeights Clone() => new(DIn, DSae, (float[])EncoderRows.Clone(), (float[])EncoderBias.Clone(), (float[])DecoderRows.Clone(), (float[])DecoderBias.Clone(), Threshold);

    /// <summary>
    /// The usual start: decoder rows random unit vectors (uniform directions from the seed), the encoder their transpose,
    /// b_enc zero, and b_dec the given centre (the mean or geometric median of a sample).
    /// </summary>
    public static SaeWeights Initial(int dIn, int dSae, ReadOnlySpan<float> centre, ulong seed)
    {
        var rng = new SplitMix64(seed);
        var dec = new float[(long)dIn * dSae];
        for (long p = 0; p < dec.Length; p++) dec[p] = (float)(rng.NextDouble() * 2 - 1);
        for (var j = 0; j < dSae; j++)
        {
            var row = dec.AsSpan((int)((long)j * dIn), dIn);
            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
        return new SaeWeights(dIn, dSae, (float[])dec.Clone(), new float[dSae], dec, centre.ToArray());
    }
}
