namespace Analysis.Sae;

/// <summary>How an SAE picks its active latents.</summary>
public enum SaeArchitecture
{
    /// <summary>ReLU, then the k largest latents of each token (OpenAI / sparsify), with the AuxK loss for dead latents.</summary>
    TopK,
    /// <summary>ReLU, then the k·batch largest latents across the batch (Bussmann et al.); at inference a learned threshold (JumpReLU).</summary>
    BatchTopK,
    /// <summary>ReLU with an L1 penalty on activations weighted by decoder-row norms (SAELens "standard").</summary>
    Relu,
}

/// <summary>Names of architectures on the command line and in files.</summary>
public static class SaeArchitectures
{
    /// <summary>The command-line name: topk, batchtopk or relu.</summary>
    public static string Name(this SaeArchitecture a) => a switch
    {
        SaeArchitecture.TopK => "topk",
        SaeArchitecture.BatchTopK => "batchtopk",
        _ => "relu",
    };

    /// <summary>Parses topk, batchtopk or relu (case-insensitive).</summary>
    public static SaeArchitecture Parse(string name) => name.ToLowerInvariant() switch
    {
        "topk" => SaeArchitecture.TopK,
        "batchtopk" => SaeArchitecture.BatchTopK,
        "relu" or "standard" => SaeArchitecture.Relu,
        _ => throw new BadInputException($"Unknown SAE architecture '{name}'; use topk, batchtopk or relu."),
    };
}
