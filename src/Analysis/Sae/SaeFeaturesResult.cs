namespace Analysis.Sae;

/// <summary>The summary of one <c>sae features</c> run (results.json entry <c>saeFeatures</c>).</summary>
public sealed record SaeFeaturesResult
{
    /// <summary>The SAE folder, its hook, and the model.</summary>
    public string Sae { get; init; } = "";
    /// <inheritdoc cref="Sae"/>
    public string Hook { get; init; } = "";
    /// <inheritdoc cref="Sae"/>
    public string Model { get; init; } = "";
    /// <summary>Texts and tokens read.</summary>
    public int Sequences { get; init; }
    /// <inheritdoc cref="Sequences"/>
    public long Tokens { get; init; }
    /// <summary>The SAE's width and the number of features analysed.</summary>
    public int DSae { get; init; }
    /// <inheritdoc cref="DSae"/>
    public int Features { get; init; }
    /// <summary>Analysed features that never fired on the data.</summary>
    public int Dead { get; init; }
    /// <summary>Live features by log10 firing frequency, <see cref="SaeDataMetrics.DensityBin"/> wide bins from <see cref="DensityLog10Start"/>.</summary>
    public long[] DensityHistogram { get; init; } = [];
    /// <inheritdoc cref="DensityHistogram"/>
    public double DensityLog10Start { get; init; }
    /// <summary>Where the logit effect's finish runs ("blocks.1.hook_resid_post → logits"), or why there is none.</summary>
    public string LogitEffect { get; init; } = "";
    /// <summary>The files written, relative to the output folder.</summary>
    public string Dashboard { get; init; } = FeatureDashboard.HtmlFile;
    /// <inheritdoc cref="Dashboard"/>
    public string FeaturesTable { get; init; } = FeatureDashboard.FeaturesFile;
    /// <inheritdoc cref="Dashboard"/>
    public string ContextsTable { get; init; } = FeatureDashboard.ContextsFile;
    /// <summary>Size of the dashboard in bytes.</summary>
    public long DashboardBytes { get; init; }
    /// <summary>Wall time of the run.</summary>
    public double Seconds { get; init; }
    /// <summary>A few live features for the report: id, density, top context tokens, top logit tokens.</summary>
    public FeatureHighlight[] Highlights { get; init; } = [];
}

/// <summary>One feature in the report's table.</summary>
public sealed record FeatureHighlight(int Feature, double Density, float MaxActivation, string[] TopTokens, string[] TopLogits);
