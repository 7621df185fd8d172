namespace Analysis.Sae;

/// <summary>One edge of the token → latent graph: how often the token activated the latent and the summed activation.</summary>
public readonly record struct FunctionTokenEdge(int TokenId, int Feature, long Count, double Mass);

/// <summary>One vocabulary token: how often it occurred, how many distinct latents it activated (its degree) and their mass.</summary>
public sealed record FunctionTokenStats(int TokenId, string Token, long Frequency, int Degree, double Mass, double DegreeFraction);

/// <summary>The function-token analysis of one SAE on one dataset (<c>analysis sae function-tokens</c>).</summary>
public sealed record FunctionTokensResult
{
    /// <summary>SAE folder and hook.</summary>
    public string Sae { get; init; } = "";
    /// <summary>The hook column encoded.</summary>
    public string Hook { get; init; } = "";
    /// <summary>Token occurrences streamed.</summary>
    public long Tokens { get; init; }
    /// <summary>Distinct vocabulary ids seen.</summary>
    public int DistinctTokens { get; init; }
    /// <summary>Distinct (token, latent) edges.</summary>
    public long Edges { get; init; }
    /// <summary>Latents of the SAE.</summary>
    public int Latents { get; init; }
    /// <summary>Latents that fired at least once.</summary>
    public int LiveLatents { get; init; }
    /// <summary>Mean over distinct tokens of the number of distinct latents each activated.</summary>
    public double MeanTokenDegree { get; init; }
    /// <summary>Mean over live latents of the number of distinct tokens that activated each.</summary>
    public double MeanFeatureDegree { get; init; }
    /// <summary>Distinct tokens by degree, bins 0, 1, 2–3, 4–7, … (<see cref="FunctionTokenGraph.Log2BinLabel"/>).</summary>
    public long[] TokenDegreeHistogram { get; init; } = [];
    /// <summary>Latents by degree (distinct tokens), same bins; bin 0 holds the dead latents.</summary>
    public long[] FeatureDegreeHistogram { get; init; } = [];
    /// <summary>Fraction of live latents reached by the first n+1 tokens of the greedy cover.</summary>
    public double[] CoverageGreedy { get; init; } = [];
    /// <summary>Fraction of live latents reached by the n+1 most frequent tokens.</summary>
    public double[] CoverageByFrequency { get; init; } = [];
    /// <summary>Token ids in greedy-cover order.</summary>
    public int[] GreedyOrder { get; init; } = [];
    /// <summary>Tokens the greedy cover needs to reach 50% / 90% of the live latents.</summary>
    public int TokensFor50 { get; init; }
    /// <summary>… 90%.</summary>
    public int TokensFor90 { get; init; }
    /// <summary>The same counts when tokens are taken by frequency instead.</summary>
    public int TokensFor50ByFrequency { get; init; }
    /// <summary>… 90%.</summary>
    public int TokensFor90ByFrequency { get; init; }
    /// <summary>The greedy cover's tokens up to 50% of live latents.</summary>
    public FunctionTokenStats[] Cover50 { get; init; } = [];
    /// <summary>… up to 90%.</summary>
    public FunctionTokenStats[] Cover90 { get; init; } = [];
    /// <summary>The tokens of highest degree (ties: more frequent first).</summary>
    public FunctionTokenStats[] TopByDegree { get; init; } = [];
    /// <summary>Every token, by degree (function_tokens.json only).</summary>
    public FunctionTokenStats[] PerToken { get; init; } = [];
    /// <summary>Per latent: distinct tokens that activated it (function_tokens.json only).</summary>
    public int[] FeatureDegree { get; init; } = [];
    /// <summary>Per latent: tokens it fired on (function_tokens.json only).</summary>
    public long[] FeatureFirings { get; init; } = [];
}
