namespace Analysis.Sae;

/// <summary>What an SAE was trained on, kept in cfg.json under SAELens's field names.</summary>
public sealed record SaeInfo
{
    /// <summary>The hook (dataset column) it reads, e.g. blocks.2.hook_resid_post.</summary>
    public string HookName { get; init; } = "";

    /// <summary>The model the activations came from (file name), when known.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The activation dataset it was trained on.</summary>
    public string DatasetPath { get; init; } = "";

    /// <summary>Tokens per example the dataset was extracted with (0 when unknown).</summary>
    public int ContextSize { get; init; }

    /// <summary>
    /// The factor training multiplied inputs by so that their mean squared norm was d_in. It is folded into the saved
    /// weights (W_enc·s, W_dec/s, b_dec/s), so the SAE reads raw activations; kept for the record.
    /// </summary>
    public double ActivationScale { get; init; } = 1;

    /// <summary>Tokens it was trained on.</summary>
    public long TrainingTokens { get; init; }
}
