namespace Analysis.Onnx;

/// <summary>A hook made a graph output by <see cref="OnnxModel.ExposeHooks"/>.</summary>
/// <param name="Name">Canonical hook name (or the raw tensor name when exposed by name).</param>
/// <param name="Tensor">The ONNX tensor.</param>
/// <param name="Output">The graph output that carries it (the tensor's own name unless it is a graph input or initializer).</param>
/// <param name="Type">Its inferred type.</param>
public sealed record ExposedHook(string Name, string Tensor, string Output, TensorType Type);
