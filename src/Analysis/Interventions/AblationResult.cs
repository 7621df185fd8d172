namespace Analysis.Interventions;

/// <summary>A target token at each sequence's last position, averaged over sequences.</summary>
/// <param name="Token">The token.</param>
/// <param name="Id">Its id.</param>
/// <param name="Logit">Mean logit.</param>
/// <param name="Probability">Mean probability.</param>
/// <param name="LogitChange">Mean logit minus the clean mean logit (0 for the clean run).</param>
public sealed record AblationTarget(string Token, int Id, double Logit, double Probability, double LogitChange);

/// <summary>The effect of ablating one unit.</summary>
/// <param name="Label">The unit ("L2H5", "blocks.1.mlp.hook_post:17", "feature 12", a hook).</param>
/// <param name="Hook">Its hook.</param>
/// <param name="Layer">Block of a head, else null.</param>
/// <param name="Head">Head index, else null.</param>
/// <param name="CeLoss">Next-token cross-entropy with the unit ablated, mean per predicted token (nats).</param>
/// <param name="DeltaCe">CeLoss minus the clean loss.</param>
/// <param name="Kl">KL(clean ‖ ablated) of the next-token distribution, mean per predicted token (nats).</param>
/// <param name="Targets">Target tokens at the last position.</param>
public sealed record AblatedUnit(string Label, string Hook, int? Layer, int? Head, double CeLoss, double DeltaCe, double Kl, AblationTarget[] Targets);

/// <summary>What <c>analysis ablate</c> writes (OUT/ablate.json, and results.json under "ablation").</summary>
/// <param name="Model">The model file.</param>
/// <param name="Kind">zero, mean or resample.</param>
/// <param name="MeanSource">Where mean values came from (a dataset, or the evaluated tokens); null unless mean ablation.</param>
/// <param name="Sequences">Sequences evaluated.</param>
/// <param name="Tokens">Predicted tokens (the loss averages over these).</param>
/// <param name="CeLossClean">Clean next-token cross-entropy, mean per predicted token.</param>
/// <param name="CleanTargets">Target tokens in the clean run.</param>
/// <param name="Units">One entry per ablated unit, in the order given.</param>
/// <param name="HeadLayers">Heatmap rows when heads were ablated: the blocks.</param>
/// <param name="HeadDeltaCe">[layer][head] ΔCE (NaN where that head was not ablated); null without heads.</param>
public sealed record AblationResult(string Model, string Kind, string? MeanSource, int Sequences, long Tokens, double CeLossClean,
    AblationTarget[] CleanTargets, AblatedUnit[] Units, int[]? HeadLayers, double[][]? HeadDeltaCe);
