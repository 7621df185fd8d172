using Analysis.Runtime;

namespace Analysis.Attention;

/// <summary>How to open <see cref="AttentionStatistics"/>.</summary>
public sealed record AttentionOptions
{
    /// <summary>The ONNX model file.</summary>
    public required string Model { get; init; }
    /// <summary>tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin.</summary>
    public required string Tokenizer { get; init; }
    /// <summary>Pattern hooks to read (globs).</summary>
    public IReadOnlyList<string> Hooks { get; init; } = ["blocks.*.attn.hook_pattern"];
    /// <summary>An optional hook map file overriding discovery.</summary>
    public string? HookMap { get; init; }
    /// <summary>Sink mass above which a head is dormant on an example.</summary>
    public double DormantThreshold { get; init; } = 0.9;
    /// <summary>Examples whose full patterns are kept for the report's viewer.</summary>
    public int ViewerExamples { get; init; } = 3;
    /// <summary>Tokens of a viewer example at most.</summary>
    public int ViewerTokens { get; init; } = 32;
    /// <summary>Tokens per example at most (longer examples are truncated).</summary>
    public int MaxLength { get; init; } = 512;
    /// <summary>Examples per forward pass.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Where to run.</summary>
    public Device Device { get; init; } = Device.Auto;
    /// <summary>Threads for ONNX Runtime (0: one per core).</summary>
    public int Threads { get; init; }
}
