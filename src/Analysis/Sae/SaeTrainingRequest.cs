namespace Analysis.Sae;

/// <summary>What `analysis sae train` asks for: one SAE per (hook, latents, k), all trained in one pass over the data.</summary>
public sealed record SaeTrainingRequest
{
    /// <summary>Activation dataset directory, or one Parquet file with fixed-length float list columns.</summary>
    public required string Data { get; init; }

    /// <summary>Hook columns to train on (one SAE per hook and per width/k).</summary>
    public required IReadOnlyList<string> Hooks { get; init; }

    /// <summary>Architecture of every SAE.</summary>
    public SaeArchitecture Architecture { get; init; } = SaeArchitecture.TopK;

    /// <summary>Widths (several make a sweep).</summary>
    public required IReadOnlyList<int> Latents { get; init; }

    /// <summary>k values (several make a sweep); ignored by ReLU.</summary>
    public IReadOnlyList<int> K { get; init; } = [32];

    /// <summary>L1 coefficient of ReLU SAEs.</summary>
    public float L1 { get; init; } = 5f;

    /// <summary>Token budget: steps = tokens / batch size.</summary>
    public required long Tokens { get; init; }

    /// <summary>Tokens per step.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Linear warm-up steps (default: 5% of the steps, at most 1,000).</summary>
    public int? WarmupSteps { get; init; }

    /// <summary>Linear decay to zero over the last this-many steps (default: 20% of the steps).</summary>
    public int? DecaySteps { get; init; }

    /// <summary>Seed of the initial weights and the data order.</summary>
    public ulong Seed { get; init; }

    /// <summary>A latent that has not fired for this many tokens is dead (default: min(10M, tokens / 10)).</summary>
    public long? DeadTokens { get; init; }

    /// <summary>Start b_dec at the geometric median of the sample instead of its mean.</summary>
    public bool GeometricMedian { get; init; }

    /// <summary>Log metrics every this many steps.</summary>
    public int MetricsEvery { get; init; } = 10;

    /// <summary>Write a checkpoint every this many steps (0: never).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Shuffle buffer size in bytes.</summary>
    public long ShuffleBufferBytes { get; init; } = 256L << 20;

    /// <summary>Where to train: cpu, cuda[:N], or auto (CUDA when its libraries are present).</summary>
    public Analysis.Runtime.Device Device { get; init; } = Analysis.Runtime.Device.Cpu;

    /// <summary>What runs the step (null: simd on the CPU, onnx on CUDA).</summary>
    public SaeEngine? Engine { get; init; }

    /// <summary>Output folder.</summary>
    public required string Output { get; init; }

    /// <summary>Run metadata for results.json (command line, times).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
