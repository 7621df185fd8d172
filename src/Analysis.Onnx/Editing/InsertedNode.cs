namespace Analysis.Onnx;

/// <summary>The result of <see cref="OnnxModel.InsertAfter"/>: which name carries the original value and which the modified one.</summary>
/// <param name="Original">The tensor holding the value before the inserted operation.</param>
/// <param name="Modified">The tensor holding the result, which the former consumers now read.</param>
/// <param name="Operand">The new graph input that feeds the operation.</param>
public sealed record InsertedNode(string Original, string Modified, string Operand);
