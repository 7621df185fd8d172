namespace Analysis.Onnx;

/// <summary>A named place in the model whose activation can be read: canonical (TransformerLens-style) name → ONNX tensor.</summary>
/// <param name="Name">Canonical name, e.g. "blocks.0.hook_resid_pre".</param>
/// <param name="Tensor">The ONNX tensor holding the activation.</param>
public sealed record HookPoint(string Name, string Tensor);

/// <summary>A canonical hook this model does not have as a tensor, with the reason (e.g. fused attention).</summary>
/// <param name="Name">Canonical name.</param>
/// <param name="Reason">Why it is unavailable, as one sentence.</param>
public sealed record UnavailableHook(string Name, string Reason);
