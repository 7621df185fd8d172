using System.Globalization;

namespace Analysis.Extraction.Dataset;

/// <summary>
/// Which slice of a dataset this process extracts: shard <see cref="Index"/> of <see cref="Count"/>.
/// Part k of the dataset belongs to shard k mod Count, so shards are disjoint and together cover everything.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The whole dataset in one process.</summary>
    public static readonly ShardSpec All = new(0, 1);

    /// <summary>Whether part <paramref name="part"/> is this shard's to write.</summary>
    public bool Owns(long part) => part % Count == Index;

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "i/N" (0 ≤ i &lt; N).</summary>
    public static ShardSpec Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n > 0 && i < n)
            return new ShardSpec(i, n);
        throw new BadInputException($"--shard '{text}' is not of the form i/N with 0 <= i < N (e.g. --shard 3/8).");
    }

    /// <summary>
    /// The shard from an explicit "--shard i/N", else from a cluster's job-array variables: Slurm
    /// (SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN), or a Kubernetes Indexed Job
    /// (JOB_COMPLETION_INDEX, with <paramref name="shardCount"/> from --shard-count), else the whole dataset.
    /// </summary>
    public static ShardSpec Resolve(string? explicitShard, int? shardCount, Func<string, string?> environment)
    {
        if (explicitShard is not null) return Parse(explicitShard);
        var slurmId = environment("SLURM_ARRAY_TASK_ID");
        if (slurmId is not null)
        {
            var count = shardCount ?? ParseEnv(environment, "SLURM_ARRAY_TASK_COUNT");
            var min = environment("SLURM_ARRAY_TASK_MIN") is { } m ? ParseEnv(environment, "SLURM_ARRAY_TASK_MIN") : 0;
            var id = ParseEnv(environment, "SLURM_ARRAY_TASK_ID") - min;
            if (id < 0 || id >= count)
                throw new BadInputException($"SLURM_ARRAY_TASK_ID={slurmId} is outside the array of {count} tasks starting at {min}; submit with --array=0-{count - 1}.");
            return new ShardSpec(id, count);
        }
        var index = environment("JOB_COMPLETION_INDEX");
        if (index is not null)
        {
            if (shardCount is null)
                throw new BadInputException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): pass --shard-count with the Job's completions.");
            var id = ParseEnv(environment, "JOB_COMPLETION_INDEX");
            if (id >= shardCount) throw new BadInputException($"JOB_COMPLETION_INDEX={id} is not below --shard-count {shardCount}.");
            return new ShardSpec(id, shardCount.Value);
        }
        if (shardCount is not null)
            throw new BadInputException("--shard-count needs a job index: --shard i/N, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.");
        return All;
    }

    private static int ParseEnv(Func<string, string?> environment, string name)
    {
        var value = environment(name);
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        throw new BadInputException($"The environment variable {name} is {(value is null ? "not set" : $"'{value}', not a number")}; it is needed to pick this task's shard.");
    }
}
