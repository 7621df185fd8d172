namespace Analysis.Onnx;

/// <summary>A tensor name given by the user does not exist in the graph.</summary>
public sealed class UnknownTensorException(string tensor, string where)
    : ArgumentException($"Tensor '{tensor}' does not exist in {where}; run 'analysis inspect' to list the graph's tensors and hooks.")
{
    /// <summary>The name that was not found.</summary>
    public string Tensor { get; } = tensor;
}
