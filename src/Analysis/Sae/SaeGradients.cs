namespace Analysis.Sae;

/// <summary>One batch's loss terms and the gradients of the loss (W_dec's with its component along each row removed).</summary>
public sealed class SaeGradients
{
    /// <summary>Total loss: MSE + L1 (ReLU) + AuxK (TopK, BatchTopK).</summary>
    public double Loss { get; init; }

    /// <summary>Mean over tokens of the squared reconstruction error ‖x̂ − x‖² (in normalised units).</summary>
    public double Mse { get; init; }

    /// <summary>The weighted L1 term (ReLU), or 0.</summary>
    public double L1 { get; init; }

    /// <summary>The weighted AuxK term, or 0.</summary>
    public double AuxK { get; init; }

    /// <summary>Fraction of variance unexplained: Σ‖x̂ − x‖² / Σ‖x − mean(x)‖² over the batch.</summary>
    public double Fvu { get; init; }

    /// <summary>Mean number of active latents per token.</summary>
    public double L0 { get; init; }

    /// <summary>Latents counted dead when the batch started.</summary>
    public int Dead { get; init; }

    /// <summary>∂loss/∂W_encᵀ [d_sae × d_in].</summary>
    public required float[] EncoderRows { get; init; }

    /// <summary>∂loss/∂b_enc.</summary>
    public required float[] EncoderBias { get; init; }

    /// <summary>∂loss/∂W_dec [d_sae × d_in], minus each row's component along its decoder row.</summary>
    public required float[] DecoderRows { get; init; }

    /// <summary>∂loss/∂b_dec.</summary>
    public required float[] DecoderBias { get; init; }

    /// <summary>The batch's codes.</summary>
    public required SparseCodes Codes { get; init; }
}
