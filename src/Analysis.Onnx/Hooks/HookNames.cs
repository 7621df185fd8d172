namespace Analysis.Onnx;

/// <summary>Canonical hook names (TransformerLens conventions; docs/architecture.md, "Formats").</summary>
public static class HookNames
{
    /// <summary>Token embedding lookup output.</summary>
    public const string Embed = "hook_embed";

    /// <summary>Final norm output (after its gain and bias: what the unembedding reads).</summary>
    public const string FinalNormalized = "ln_final.hook_normalized";

    /// <summary>Residual stream entering block <paramref name="layer"/>.</summary>
    public static string ResidPre(int layer) => $"blocks.{layer}.hook_resid_pre";

    /// <summary>Residual stream between attention and MLP of block <paramref name="layer"/>.</summary>
    public static string ResidMid(int layer) => $"blocks.{layer}.hook_resid_mid";

    /// <summary>Residual stream leaving block <paramref name="layer"/>.</summary>
    public static string ResidPost(int layer) => $"blocks.{layer}.hook_resid_post";

    /// <summary>Attention probabilities (softmax output) of block <paramref name="layer"/>.</summary>
    public static string AttnPattern(int layer) => $"blocks.{layer}.attn.hook_pattern";

    /// <summary>Attention branch output added to the residual stream.</summary>
    public static string AttnOut(int layer) => $"blocks.{layer}.hook_attn_out";

    /// <summary>MLP activation after the nonlinearity (the input of the down projection).</summary>
    public static string MlpPost(int layer) => $"blocks.{layer}.mlp.hook_post";

    /// <summary>MLP branch output added to the residual stream.</summary>
    public static string MlpOut(int layer) => $"blocks.{layer}.hook_mlp_out";
}
