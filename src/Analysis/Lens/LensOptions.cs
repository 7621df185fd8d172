using Analysis.Runtime;

namespace Analysis.Lens;

/// <summary>How to open a <see cref="LogitLens"/>.</summary>
public sealed record LensOptions
{
    /// <summary>The ONNX model file.</summary>
    public required string Model { get; init; }
    /// <summary>tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin.</summary>
    public required string Tokenizer { get; init; }
    /// <summary>Residual-stream hook patterns; the finish's own input (the last block's hook_resid_post) is always added.</summary>
    public IReadOnlyList<string> Hooks { get; init; } = ["blocks.*.hook_resid_post"];
    /// <summary>An optional hook map file overriding discovery.</summary>
    public string? HookMap { get; init; }
    /// <summary>How many most likely tokens to keep per token and layer.</summary>
    public int TopK { get; init; } = 5;
    /// <summary>An optional token set file (<see cref="TokenSets"/>).</summary>
    public string? TokenSets { get; init; }
    /// <summary>Tokens per example at most (longer examples are truncated).</summary>
    public int MaxLength { get; init; } = 512;
    /// <summary>Examples per forward pass.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Where to run.</summary>
    public Device Device { get; init; } = Device.Auto;
    /// <summary>Threads for ONNX Runtime (0: one per core).</summary>
    public int Threads { get; init; }
}
