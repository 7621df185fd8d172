namespace Analysis.Sae;

/// <summary>What <c>analysis sae eval</c> measured: reconstruction and sparsity on the data, and next-token loss with the SAE spliced in.</summary>
public sealed record SaeEvalResult
{
    /// <summary>The SAE folder.</summary>
    public string Sae { get; init; } = "";
    /// <summary>The hook the SAE reads and replaces.</summary>
    public string Hook { get; init; } = "";
    /// <summary>Sequences and tokens evaluated.</summary>
    public long Sequences { get; init; }
    /// <summary>Tokens whose activations were encoded.</summary>
    public long Tokens { get; init; }
    /// <summary>Mean over tokens of ‖x̂ − x‖² / d_in.</summary>
    public double Mse { get; init; }
    /// <summary>Σ‖x̂ − x‖² / Σ‖x − mean‖².</summary>
    public double Fvu { get; init; }
    /// <summary>Mean number of active latents per token.</summary>
    public double L0 { get; init; }
    /// <summary>Fraction of latents that never fire on the data.</summary>
    public double DeadFraction { get; init; }
    /// <summary>Fraction of latents that fire on more than 10% of tokens.</summary>
    public double DenseFraction { get; init; }
    /// <summary>exp of the entropy of the activation mass over latents.</summary>
    public double EffectiveFeatures { get; init; }
    /// <summary>That entropy, in nats.</summary>
    public double ActivationEntropy { get; init; }
    /// <summary>Mean next-token cross-entropy of the unchanged model (nats).</summary>
    public double CeLossClean { get; init; }
    /// <summary>… with the hook replaced by the SAE's reconstruction.</summary>
    public double CeLossSpliced { get; init; }
    /// <summary>… with the hook replaced by zeros.</summary>
    public double CeLossZeroAblation { get; init; }
    /// <summary>… with the hook replaced by its mean over the data.</summary>
    public double CeLossMeanAblation { get; init; }
    /// <summary>(ce_zero − ce_spliced) / (ce_zero − ce_clean).</summary>
    public double CeLossRecovered { get; init; }
    /// <summary>Mean per-token KL(clean ‖ spliced) of the next-token distributions (nats).</summary>
    public double KlDiv { get; init; }
    /// <summary>Token counts by L0: entry i counts tokens with i active latents (the last bin holds the rest).</summary>
    public long[] L0Histogram { get; init; } = [];
    /// <summary>Lower edge (log10 frequency) of the density histogram's first bin; bins are 0.25 wide.</summary>
    public double DensityLog10Start { get; init; }
    /// <summary>Live latents by log10 firing frequency.</summary>
    public long[] DensityHistogram { get; init; } = [];
    /// <summary>The model with the SAE spliced in (ONNX), relative to the output folder.</summary>
    public string SplicedModel { get; init; } = "";
}
