namespace Analysis.Sae;

/// <summary>The shape and loss of one SAE to train.</summary>
public sealed record SaeSpec
{
    /// <summary>How latents are selected.</summary>
    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.TopK;

    /// <summary>Input width (the hook's width).</summary>
    public required int DIn { get; init; }

    /// <summary>Number of latents.</summary>
    public required int DSae { get; init; }

    /// <summary>Active latents per token (TopK; the mean per token for BatchTopK); ignored by ReLU.</summary>
    public int K { get; init; } = 32;

    /// <summary>L1 coefficient λ of the ReLU architecture: loss = MSE + λ·Σ z·‖W_dec row‖.</summary>
    public float L1Coefficient { get; init; } = 5f;

    /// <summary>Weight of the AuxK loss (TopK and BatchTopK), 1/32 as in Gao et al.</summary>
    public float AuxKCoefficient { get; init; } = 1f / 32;

    /// <summary>A latent that has not fired for this many tokens counts as dead (AuxK and the dead fraction).</summary>
    public long DeadTokens { get; init; } = 10_000_000;

    /// <summary>Rate of the BatchTopK inference threshold's moving average of the smallest selected activation.</summary>
    public float ThresholdRate { get; init; } = 0.01f;

    /// <summary>Checks the values; throws BadInputException naming the wrong one.</summary>
    public void Validate()
    {
        if (DIn <= 0) throw new BadInputException($"The input width must be positive, not {DIn}.");
        if (DSae <= 0) throw new BadInputException($"--latents must be positive, not {DSae}.");
        if (Architecture != SaeArchitecture.Relu && (K <= 0 || K > DSae))
            throw new BadInputException($"--k {K} is not between 1 and the number of latents ({DSae}); choose k ≤ --latents.");
        if (Architecture == SaeArchitecture.Relu && !(L1Coefficient >= 0)) throw new BadInputException($"--l1 must be ≥ 0, not {L1Coefficient}.");
        if (DeadTokens <= 0) throw new BadInputException($"--dead-tokens must be positive, not {DeadTokens}.");
    }
}
