namespace Analysis.Generation;

/// <summary>How `generate` runs the model.</summary>
public enum GenerationBackend
{
    /// <summary>GenAI when the model has a KV cache and the request fits it, otherwise the recompute loop.</summary>
    Auto,

    /// <summary>ONNX Runtime GenAI with the model's KV cache (<see cref="GenAiGenerator"/>).</summary>
    GenAi,

    /// <summary>Full recomputation per token through our runtime (<see cref="Generator"/>).</summary>
    Recompute,
}
