namespace Analysis.Runtime;

/// <summary>A model input or output as ONNX Runtime sees it: name, kind, element type and declared shape.</summary>
public sealed record ValueMetadata(string Name, ValueKind Kind, TensorElementType ElementType, IReadOnlyList<Dimension> Shape)
{
    /// <summary>For example <c>input_ids: Int64[batch, sequence]</c>.</summary>
    public override string ToString() => Kind == ValueKind.Tensor
        ? $"{Name}: {ElementType}[{string.Join(", ", Shape)}]"
        : $"{Name}: {Kind}";
}
