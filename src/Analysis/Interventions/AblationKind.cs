namespace Analysis.Interventions;

/// <summary>What an ablated activation is replaced with.</summary>
public enum AblationKind
{
    /// <summary>Zero.</summary>
    Zero,

    /// <summary>Its mean over a dataset (per channel).</summary>
    Mean,

    /// <summary>Its value in another input's run (resample ablation): fed as values from that run.</summary>
    Resample,
}
