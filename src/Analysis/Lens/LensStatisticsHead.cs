using Analysis.Onnx;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Lens;

/// <summary>
/// The statistics the lens reads from one layer's logits, computed inside ONNX Runtime so the [batch, tokens, vocab]
/// distributions never leave it: entropy, KL(final ‖ layer), the top k, the next token's log-probability and rank, and
/// the probability mass on each token set (a [vocab, sets] 0/1 matrix, so the graph does not depend on the sets).
/// </summary>
internal static class LensStatisticsHead
{
    public const string Logits = "logits";
    public const string FinalLogits = "final_logits";
    public const string NextIds = "lens_next_ids";
    public const string SetMatrix = "lens_token_sets";
    public const string TopK = "lens_top_k";

    public const string Entropy = "entropy", KlToFinal = "kl_to_final", TopLogProbs = "top_logp", TopIds = "top_ids",
        NextLogProb = "next_logp", NextRank = "next_rank", SetMass = "set_mass";

    public static readonly string[] Outputs = [Entropy, KlToFinal, TopLogProbs, TopIds, NextLogProb, NextRank, SetMass];

    /// <summary>The head for a model of this opset (13 or later: Reduce and Unsqueeze take their axes as inputs).</summary>
    public static OnnxModel Build(long opset)
    {
        if (opset < 13)
            throw new BadInputException($"The model imports opset {opset}; the logit lens builds its statistics with opset 13 operators, so re-export the model with opset 13 or later.");
        var g = new GraphBuilder((int)opset, "lens_statistics")
            .Input(Logits, DataType.Float, "batch", "tokens", "vocab")
            .Input(FinalLogits, DataType.Float, "batch", "tokens", "vocab")
            .Input(NextIds, DataType.Int64, "batch", "tokens")
            .Input(SetMatrix, DataType.Float, "vocab", "sets")
            .Input(TopK, DataType.Int64, 1)
            .Initializer("last_axis", [-1L], 1)
            .Initializer("token_axis", [2L], 1)
            .Node("LogSoftmax", [Logits], ["logp"], ("axis", -1L))
            .Node("LogSoftmax", [FinalLogits], ["final_logp"], ("axis", -1L))
            .Node("Exp", ["logp"], ["p"])
            .Node("Exp", ["final_logp"], ["final_p"])
            // entropy = -Σ p log p
            .Node("Mul", ["p", "logp"], ["p_logp"])
            .Node("ReduceSum", ["p_logp", "last_axis"], ["neg_entropy"], ("keepdims", 0L))
            .Node("Neg", ["neg_entropy"], [Entropy])
            // KL(final ‖ layer) = Σ p_final (log p_final − log p_layer)
            .Node("Sub", ["final_logp", "logp"], ["log_ratio"])
            .Node("Mul", ["final_p", "log_ratio"], ["kl_terms"])
            .Node("ReduceSum", ["kl_terms", "last_axis"], [KlToFinal], ("keepdims", 0L))
            .Node("TopK", ["logp", TopK], [TopLogProbs, TopIds], ("axis", -1L))
            // The next token's log-probability, and its rank: how many tokens are strictly more likely.
            .Node("Unsqueeze", [NextIds, "token_axis"], ["next_index"])
            .Node("GatherElements", ["logp", "next_index"], ["next_logp_kept"], ("axis", 2L))
            .Node("Squeeze", ["next_logp_kept", "token_axis"], [NextLogProb])
            .Node("Greater", ["logp", "next_logp_kept"], ["above"])
            .Node("Cast", ["above"], ["above_count"], ("to", (long)DataType.Float))
            .Node("ReduceSum", ["above_count", "last_axis"], [NextRank], ("keepdims", 0L))
            .Node("MatMul", ["p", SetMatrix], [SetMass]);
        foreach (var o in Outputs) g.Output(o);
        return g.Build();
    }
}
