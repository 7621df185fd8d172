using System.Text.Json.Serialization;

namespace Analysis.Sae;

/// <summary>One trained SAE's final numbers (results.json "saes", and `--json`).</summary>
public sealed record SaeSummary
{
    /// <summary>Name (subfolder in a sweep; empty when the SAE is the output folder itself).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    /// <summary>Folder holding sae_weights.safetensors, cfg.json, sae.onnx.</summary>
    [JsonPropertyName("folder")] public string Folder { get; init; } = "";
    /// <summary>Hook trained on.</summary>
    [JsonPropertyName("hook")] public string Hook { get; init; } = "";
    /// <summary>topk, batchtopk or relu.</summary>
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "";
    /// <summary>Latents.</summary>
    [JsonPropertyName("d_sae")] public int DSae { get; init; }
    /// <summary>k (0 for ReLU).</summary>
    [JsonPropertyName("k")] public int K { get; init; }
    /// <summary>FVU over the last metrics window.</summary>
    [JsonPropertyName("fvu")] public double Fvu { get; init; }
    /// <summary>Mean active latents per token over the last window.</summary>
    [JsonPropertyName("l0")] public double L0 { get; init; }
    /// <summary>Dead fraction at the end.</summary>
    [JsonPropertyName("dead_fraction")] public double DeadFraction { get; init; }
    /// <summary>MSE per token over the last window (normalised units).</summary>
    [JsonPropertyName("mse")] public double Mse { get; init; }
    /// <summary>Tokens trained on.</summary>
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    /// <summary>Training throughput of the whole run (all SAEs together).</summary>
    [JsonPropertyName("tokens_per_s")] public double TokensPerSecond { get; init; }
    /// <summary>Input scale (folded into the weights).</summary>
    [JsonPropertyName("activation_scale")] public double ActivationScale { get; init; }
    /// <summary>The engine and device that ran the steps, e.g. "simd on cpu" or "onnx on cuda:0".</summary>
    [JsonPropertyName("engine")] public string Engine { get; init; } = "";
}

/// <summary>One SAE's training curve for the report (results.json "saeCurves").</summary>
public sealed record SaeCurve(string Name, long[] Tokens, double[] Fvu, double[] L0, double[] DeadFraction);

/// <summary>Progress of a run: steps done, throughput, and each SAE's latest metrics.</summary>
public sealed record SaeProgress(long Step, long Steps, long Tokens, double TokensPerSecond, IReadOnlyList<SaeMetrics> Latest);
