namespace Analysis.Sae;

/// <summary>One training step's loss terms (before the step), as every engine reports them.</summary>
/// <param name="Loss">MSE + L1 (ReLU) + AuxK (TopK, BatchTopK).</param>
/// <param name="Mse">Mean over tokens of ‖x̂ − x‖² (normalised units).</param>
/// <param name="L1">The weighted L1 term (ReLU), or 0.</param>
/// <param name="AuxK">The weighted AuxK term, or 0.</param>
/// <param name="Fvu">Σ‖x̂ − x‖² / Σ‖x − mean(x)‖² over the batch.</param>
/// <param name="L0">Mean number of active latents per token.</param>
/// <param name="Dead">Latents counted dead when the batch started.</param>
public sealed record SaeStepLoss(double Loss, double Mse, double L1, double AuxK, double Fvu, double L0, int Dead);
