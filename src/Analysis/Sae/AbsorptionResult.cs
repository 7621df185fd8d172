namespace Analysis.Sae;

/// <summary>Settings of the first-letter absorption measurement; the defaults are SAEBench's thresholds.</summary>
public sealed record AbsorptionOptions
{
    /// <summary>An absorbing latent's decoder row must have at least this cosine with the letter's probe direction (SAEBench: 0.025).</summary>
    public double CosineThreshold { get; init; } = 0.025;
    /// <summary>… and carry at least this share of the token's probe projection (SAEBench: 0.4).</summary>
    public double ProjectionShare { get; init; } = 0.4;
    /// <summary>k-sparse probing adds the next latent to a letter's main set only if F1 rises by more than this (SAEBench: 0.03).</summary>
    public double F1Jump { get; init; } = 0.03;
    /// <summary>At most this many main latents per letter (SAEBench: 10).</summary>
    public int MaxK { get; init; } = 10;
    /// <summary>A letter whose probe has a lower test F1 is not evaluated: the probe does not find the letter (SAEBench: 0.6).</summary>
    public double MinProbeF1 { get; init; } = 0.6;
    /// <summary>A letter with fewer test tokens than this is not evaluated.</summary>
    public int MinTestTokens { get; init; } = 10;
    /// <summary>Absorption fraction (partial absorption): latents with at least this decoder cosine may absorb (SAEBench: 0.1).</summary>
    public double FractionCosineThreshold { get; init; } = 0.1;
    /// <summary>Absorption fraction: at most this many absorbing latents per token (SAEBench: 3).</summary>
    public int FractionMaxAbsorbers { get; init; } = 3;
    /// <summary>"random": tokens split at random; "type": whole word types on one side (the probe must generalise to unseen words).</summary>
    public string Split { get; init; } = "random";
    /// <summary>Share of tokens held out for measuring.</summary>
    public double TestFraction { get; init; } = 0.3;
    /// <summary>Seed of the split.</summary>
    public int Seed { get; init; }
    /// <summary>Inverse L2 strength of the logistic-regression probe.</summary>
    public double C { get; init; } = 1.0;
    /// <summary>Use at most this many lettered tokens (the first ones in dataset order).</summary>
    public int MaxTokens { get; init; } = 200_000;
}

/// <summary>A latent that absorbs a letter on some tokens.</summary>
public sealed record AbsorbingFeature(int Feature, int Tokens, double DecoderCosine, double MeanShare, string[] Examples);

/// <summary>The absorption measurement of one letter.</summary>
public sealed record AbsorptionLetter
{
    /// <summary>The letter (lower case).</summary>
    public string Letter { get; init; } = "";
    /// <summary>Whether the letter was measured (enough test tokens and a probe that finds it).</summary>
    public bool Evaluated { get; init; }
    /// <summary>Why not, when not.</summary>
    public string? Skipped { get; init; }
    /// <summary>Tokens with this first letter in the train / test split.</summary>
    public int TrainTokens { get; init; }
    /// <summary>… test split.</summary>
    public int TestTokens { get; init; }
    /// <summary>The probe's F1 for this letter on the test split.</summary>
    public double ProbeF1 { get; init; }
    /// <summary>The main latents (k-sparse probing on the train split).</summary>
    public int[] MainFeatures { get; init; } = [];
    /// <summary>Cosine of each main latent's encoder row with the probe direction.</summary>
    public double[] MainEncoderCosine { get; init; } = [];
    /// <summary>Cosine of each main latent's decoder row with the probe direction.</summary>
    public double[] MainDecoderCosine { get; init; } = [];
    /// <summary>Train F1 of "any of the top k latents fires", k = 1…MaxK (candidates ranked by mean activation difference).</summary>
    public double[] KSparseF1 { get; init; } = [];
    /// <summary>Test precision, recall and F1 of "a main latent fires" as a classifier of the letter.</summary>
    public double MainPrecision { get; init; }
    /// <summary>… recall.</summary>
    public double MainRecall { get; init; }
    /// <summary>… F1.</summary>
    public double MainF1 { get; init; }
    /// <summary>Test tokens of the letter that the probe classifies right.</summary>
    public int ProbeTruePositives { get; init; }
    /// <summary>… of which no main latent fires on.</summary>
    public int FalseNegatives { get; init; }
    /// <summary>… of which another latent absorbs the letter.</summary>
    public int Absorbed { get; init; }
    /// <summary>Absorbed / FalseNegatives (0 when there are none).</summary>
    public double AbsorptionRate { get; init; }
    /// <summary>Absorbed / ProbeTruePositives: SAEBench's full-absorption score.</summary>
    public double FullAbsorptionScore { get; init; }
    /// <summary>Mean over probe true positives of SAEBench's absorption fraction (partial absorption included).</summary>
    public double MeanAbsorptionFraction { get; init; }
    /// <summary>The latents that absorbed it, most tokens first.</summary>
    public AbsorbingFeature[] AbsorbingFeatures { get; init; } = [];
}

/// <summary>Feature absorption on the first-letter task (<c>analysis sae absorption</c>).</summary>
public sealed record AbsorptionResult
{
    /// <summary>SAE folder.</summary>
    public string Sae { get; init; } = "";
    /// <summary>The hook.</summary>
    public string Hook { get; init; } = "";
    /// <summary>The settings used.</summary>
    public AbsorptionOptions Options { get; init; } = new();
    /// <summary>Lettered tokens used (first character a–z after case folding).</summary>
    public int Tokens { get; init; }
    /// <summary>… in the train split (probe fit, main-latent selection).</summary>
    public int TrainTokens { get; init; }
    /// <summary>… in the test split (everything reported per letter).</summary>
    public int TestTokens { get; init; }
    /// <summary>The probe's test accuracy over all letters.</summary>
    public double ProbeAccuracy { get; init; }
    /// <summary>Letters measured.</summary>
    public int EvaluatedLetters { get; init; }
    /// <summary>Mean absorption rate over the measured letters.</summary>
    public double MeanAbsorptionRate { get; init; }
    /// <summary>Mean full-absorption score (SAEBench's denominator) over the measured letters.</summary>
    public double MeanFullAbsorptionScore { get; init; }
    /// <summary>Mean absorption fraction over the measured letters.</summary>
    public double MeanAbsorptionFraction { get; init; }
    /// <summary>Every letter present, a to z.</summary>
    public AbsorptionLetter[] Letters { get; init; } = [];
}

/// <summary>One probe-true-positive test token: whether its main latents fired and whether another latent absorbed the letter.</summary>
public readonly record struct AbsorptionToken(long Row, string Letter, string Token, bool MainFired, bool Absorbed, int AbsorbingFeature,
    double ProbeProjection, int TopFeature, double TopProjection, double TopCosine, double AbsorptionFraction);
