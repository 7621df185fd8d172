namespace Analysis.Probing;

/// <summary>A probe layer sweep: one result per hook, in depth order, for one label.</summary>
public sealed record ProbeSweep(string Label, ProbeLayerResult[] Layers)
{
    /// <summary>Where derived labels were read from (empty for a dataset label column).</summary>
    public string LabelSource { get; init; } = "";

    /// <summary>Whether derived labels were lower-cased first.</summary>
    public bool FoldCase { get; init; }

    /// <summary>Rows left out because they are special tokens (BOS, [CLS], [SEP]).</summary>
    public int SkippedSpecial { get; init; }

    /// <summary>Rows left out because their span of the source text is empty or whitespace only.</summary>
    public int SkippedEmpty { get; init; }

    /// <summary>The column the split was grouped by, if any.</summary>
    public string? GroupBy { get; init; }

    /// <summary>Classes dropped because they span fewer than <see cref="MinGroupsPerClass"/> groups (<see cref="SplittableClasses"/>).</summary>
    public string[] DroppedClasses { get; init; } = [];

    /// <summary>Rows of the dropped classes.</summary>
    public int DroppedRows { get; init; }

    /// <summary>The fewest groups a class needed to be kept (0: no class was checked).</summary>
    public int MinGroupsPerClass { get; init; }
}
