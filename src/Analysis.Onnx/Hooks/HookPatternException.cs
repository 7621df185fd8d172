namespace Analysis.Onnx;

/// <summary>A hook pattern the caller gave is malformed or matches no hook point or tensor of the model; the message says which and what to do.</summary>
public sealed class HookPatternException(string message) : ArgumentException(message);
