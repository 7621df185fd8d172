namespace Analysis.Runtime;

/// <summary>How much ONNX Runtime rewrites the graph before running it.</summary>
public enum GraphOptimizationLevel
{
    /// <summary>No rewrites: every tensor of the model exists as written (useful when exposing intermediate tensors).</summary>
    DisableAll = 0,
    /// <summary>Constant folding and redundant-node elimination.</summary>
    Basic = 1,
    /// <summary>Basic plus operator fusions.</summary>
    Extended = 2,
    /// <summary>Extended plus layout optimizations.</summary>
    Layout = 3,
    /// <summary>All optimizations (ORT's default).</summary>
    All = 99,
}
