namespace Analysis.Sae;

/// <summary>What <c>analysis sae features</c> runs: the SAE, the model and text it reads, what it keeps per feature, where it writes.</summary>
public sealed record FeatureDashboardRequest
{
    /// <summary>The SAE folder.</summary>
    public required string Sae { get; init; }
    /// <summary>The model the SAE was trained on (model.onnx or its folder).</summary>
    public required string Model { get; init; }
    /// <summary>Text (jsonl/txt/csv/parquet, as extract reads it).</summary>
    public required string Data { get; init; }
    /// <summary>The output folder.</summary>
    public required string Output { get; init; }
    /// <summary>tokenizer.json or its folder; null: the model's folder.</summary>
    public string? Tokenizer { get; init; }
    /// <summary>A hook map overriding discovery.</summary>
    public string? HookMap { get; init; }
    /// <summary>Text field of structured data.</summary>
    public string TextField { get; init; } = "text";
    /// <summary>Texts read at most.</summary>
    public int MaxSequences { get; init; } = int.MaxValue;
    /// <summary>Tokens per text at most.</summary>
    public int MaxLength { get; init; } = 128;
    /// <summary>Top-activating tokens kept per feature.</summary>
    public int Top { get; init; } = 10;
    /// <summary>Quantile bins of the nonzero activations, and samples shown per bin.</summary>
    public int QuantileBins { get; init; } = 5;
    /// <inheritdoc cref="QuantileBins"/>
    public int PerBin { get; init; } = 2;
    /// <summary>Tokens of context before and after the highlighted one.</summary>
    public int Left { get; init; } = 8;
    /// <inheritdoc cref="Left"/>
    public int Right { get; init; } = 3;
    /// <summary>Features to analyse ("0-99,200"); null: all.</summary>
    public string? Features { get; init; }
    /// <summary>Top and bottom logit tokens kept per feature.</summary>
    public int LogitTokens { get; init; } = 10;
    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Seed of the reservoir samples.</summary>
    public ulong Seed { get; init; } = 1;
}
