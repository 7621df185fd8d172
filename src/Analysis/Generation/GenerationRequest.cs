using Analysis.Interventions;

namespace Analysis.Generation;

/// <summary>Adds α·direction at a hook, at every position, during generation.</summary>
/// <param name="Hook">The hook (null: the direction's own).</param>
/// <param name="Direction">The direction.</param>
/// <param name="Alpha">Its multiple.</param>
public sealed record SteeringEdit(string? Hook, Direction Direction, double Alpha);

/// <summary>Sets channel <paramref name="Channel"/> of a hook (an MLP neuron, a residual channel) to <paramref name="Value"/> at every position.</summary>
/// <param name="Hook">The hook.</param>
/// <param name="Channel">The channel index.</param>
/// <param name="Value">The value it is clamped to.</param>
public sealed record ClampEdit(string Hook, int Channel, float Value);

/// <summary>What to generate: a prompt, how many tokens, how to sample, and interventions to apply at every step.</summary>
public sealed record GenerationRequest
{
    /// <summary>The ONNX model.</summary>
    public required string Model { get; init; }

    /// <summary>tokenizer.json (or tokenizer.bin).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>The prompt.</summary>
    public required string Prompt { get; init; }

    /// <summary>The most tokens to add.</summary>
    public int MaxNewTokens { get; init; } = 50;

    /// <summary>How to choose each token.</summary>
    public Sampling Sampling { get; init; } = Sampling.GreedyDecoding;

    /// <summary>Directions added during generation.</summary>
    public IReadOnlyList<SteeringEdit> Steering { get; init; } = [];

    /// <summary>Channels clamped during generation.</summary>
    public IReadOnlyList<ClampEdit> Clamps { get; init; } = [];
}

/// <summary>One continuation.</summary>
/// <param name="TokenIds">The generated ids (without the prompt; a stop token is not included).</param>
/// <param name="Text">Their decoded text.</param>
/// <param name="Stopped">Why generation ended: "stop token" or "max tokens".</param>
public sealed record Continuation(int[] TokenIds, string Text, string Stopped);

/// <summary>The result of generation: the prompt, the continuation, and with interventions the clean continuation beside it.</summary>
/// <param name="Prompt">The prompt text.</param>
/// <param name="PromptIds">Its token ids.</param>
/// <param name="Output">The continuation (with the interventions, when any).</param>
/// <param name="Clean">Without interventions (same sampling seed), when interventions were given; otherwise null.</param>
/// <param name="Interventions">The interventions, described.</param>
/// <param name="Method">How generation ran, e.g. "full recomputation per token (no KV cache)".</param>
public sealed record GenerationResult(string Prompt, int[] PromptIds, Continuation Output, Continuation? Clean, string[] Interventions, string Method);
