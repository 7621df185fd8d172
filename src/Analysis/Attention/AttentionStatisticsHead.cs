using Analysis.Onnx;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Attention;

/// <summary>
/// Per-head attention statistics computed inside ONNX Runtime from one layer's softmax output [batch, heads, query, key],
/// so the full patterns never leave it: per query, the mass on the first token (the sink), on the previous token, on the
/// token itself, and the entropy over keys; each weighted per query by <see cref="Weights"/> and summed over queries,
/// giving [batch, heads, 4] (sink, previous, self, entropy).
/// </summary>
internal static class AttentionStatisticsHead
{
    public const string Pattern = "pattern";
    /// <summary>int64 [1, 1, T, 1]: each query's own index.</summary>
    public const string SelfIndex = "attention_self_index";
    /// <summary>int64 [1, 1, T, 1]: each query's previous index (0 for query 0).</summary>
    public const string PreviousIndex = "attention_previous_index";
    /// <summary>float [batch, 1, T, 4]: how much each query counts in each statistic's sum (0 for padding).</summary>
    public const string Weights = "attention_query_weights";
    public const string Sums = "sums";

    /// <summary>Statistics in the order of the output's last axis.</summary>
    public const int Sink = 0, Previous = 1, Self = 2, Entropy = 3, Count = 4;

    public static OnnxModel Build(long opset)
    {
        if (opset < 13)
            throw new BadInputException($"The model imports opset {opset}; the attention statistics are built with opset 13 operators, so re-export the model with opset 13 or later.");
        return new GraphBuilder((int)opset, "attention_statistics")
            .Input(Pattern, DataType.Float, "batch", "heads", "queries", "keys")
            .Input(SelfIndex, DataType.Int64, 1, 1, "queries", 1)
            .Input(PreviousIndex, DataType.Int64, 1, 1, "queries", 1)
            .Input(Weights, DataType.Float, "batch", 1, "queries", Count)
            .Initializer("zero", [0L], 1)
            .Initializer("one", [1L], 1)
            .Initializer("three", [3L], 1)
            .Initializer("key_axis", [3L], 1)
            .Initializer("query_axis", [2L], 1)
            .Initializer("tiny", [1e-30f])
            .Node("Shape", [Pattern], ["shape"])
            .Node("Slice", ["shape", "zero", "three"], ["leading"])
            .Node("Concat", ["leading", "one"], ["column_shape"], ("axis", 0L))
            .Node("Expand", [SelfIndex, "column_shape"], ["self_index"])
            .Node("Expand", [PreviousIndex, "column_shape"], ["previous_index"])
            .Node("Slice", [Pattern, "zero", "one", "key_axis"], ["sink"])
            .Node("GatherElements", [Pattern, "previous_index"], ["previous"], ("axis", 3L))
            .Node("GatherElements", [Pattern, "self_index"], ["self"], ("axis", 3L))
            // entropy = −Σ p log p; p = 0 contributes 0 (p · log tiny = 0).
            .Node("Max", [Pattern, "tiny"], ["clamped"])
            .Node("Log", ["clamped"], ["log_p"])
            .Node("Mul", [Pattern, "log_p"], ["p_log_p"])
            .Node("ReduceSum", ["p_log_p", "key_axis"], ["neg_entropy"], ("keepdims", 1L))
            .Node("Neg", ["neg_entropy"], ["entropy"])
            .Node("Concat", ["sink", "previous", "self", "entropy"], ["per_query"], ("axis", 3L))
            .Node("Mul", ["per_query", Weights], ["weighted"])
            .Node("ReduceSum", ["weighted", "query_axis"], [Sums], ("keepdims", 0L))
            .Output(Sums)
            .Build();
    }
}
