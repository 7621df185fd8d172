using System.Text.Json.Serialization;

namespace Analysis.Sae;

/// <summary>One SAE's metrics over a window of steps (a line of metrics.jsonl).</summary>
public sealed record SaeMetrics
{
    /// <summary>The SAE's name (its subfolder in a sweep).</summary>
    [JsonPropertyName("sae")] public string Sae { get; init; } = "";
    /// <summary>Steps done.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }
    /// <summary>Tokens trained on so far.</summary>
    [JsonPropertyName("tokens")] public long Tokens { get; init; }
    /// <summary>Mean loss over the window.</summary>
    [JsonPropertyName("loss")] public double Loss { get; init; }
    /// <summary>Mean squared reconstruction error per token (normalised units).</summary>
    [JsonPropertyName("mse")] public double Mse { get; init; }
    /// <summary>Fraction of variance unexplained.</summary>
    [JsonPropertyName("fvu")] public double Fvu { get; init; }
    /// <summary>Mean active latents per token.</summary>
    [JsonPropertyName("l0")] public double L0 { get; init; }
    /// <summary>Fraction of latents that did not fire in the last dead-tokens tokens.</summary>
    [JsonPropertyName("dead_fraction")] public double DeadFraction { get; init; }
    /// <summary>The AuxK term.</summary>
    [JsonPropertyName("auxk")] public double AuxK { get; init; }
    /// <summary>Learning rate at the window's last step.</summary>
    [JsonPropertyName("lr")] public double LearningRate { get; init; }
    /// <summary>Training throughput over the window (all SAEs together).</summary>
    [JsonPropertyName("tokens_per_s")] public double TokensPerSecond { get; init; }
}
