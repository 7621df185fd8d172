namespace Analysis.Runtime;

/// <summary>How to create an <see cref="InferenceSession"/>.</summary>
public sealed record SessionOptions
{
    /// <summary>The defaults: CPU, ORT's thread counts, all graph optimizations.</summary>
    public static SessionOptions Default { get; } = new();

    /// <summary>Where to run (<c>cpu</c>, <c>cuda[:N]</c>, <c>auto</c>).</summary>
    public Device Device { get; init; } = Device.Cpu;

    /// <summary>Threads inside one operator; 0 lets ORT choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent operators in parallel; 0 lets ORT choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph rewrites before running.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.All;

    /// <summary>Extra ORT session configuration entries (<c>AddSessionConfigEntry</c>), e.g. <c>session.use_env_allocators</c>.</summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether ORT keeps freed CPU buffers in its arena and plans memory from the first run's pattern (faster repeated
    /// runs), or returns buffers as soon as they are dead (lower peak memory for graphs whose intermediates are large and
    /// short-lived, such as statistics over [heads × T × T] attention).
    /// </summary>
    public bool ReuseCpuMemory { get; init; } = true;

    /// <summary>Extra CUDA provider options (e.g. <c>use_tf32</c> = <c>0</c> for float32-exact GEMMs); ignored on the CPU.</summary>
    public IReadOnlyDictionary<string, string> CudaProviderOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Where ORT saves the graph it optimized (<c>SessionOptions.OptimizedModelFilePath</c>); null saves nothing.</summary>
    public string? OptimizedModelPath { get; init; }
}
