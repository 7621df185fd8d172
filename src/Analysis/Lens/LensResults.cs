namespace Analysis.Lens;

/// <summary>One layer's lens summary over every token analyzed.</summary>
/// <param name="Hook">The residual-stream hook the finish was applied to.</param>
/// <param name="Top1Accuracy">Share of tokens that have a next token whose most likely lens token is that next token.</param>
/// <param name="KlToFinal">Mean KL(final ‖ layer) in nats over all tokens.</param>
/// <param name="Entropy">Mean entropy of the lens distribution in nats over all tokens.</param>
/// <param name="NextTokenProbability">Mean probability of the actual next token.</param>
/// <param name="NextTokenRank">Mean rank (0 = most likely) of the actual next token.</param>
/// <param name="SetMass">Mean probability mass on each token set, by set name.</param>
public sealed record LensLayer(string Hook, double Top1Accuracy, double KlToFinal, double Entropy, double NextTokenProbability,
    double NextTokenRank, IReadOnlyDictionary<string, double> SetMass);

/// <summary>The lens over a set of texts: one entry per layer, in model order, the finish's own layer last.</summary>
/// <param name="Layers">Per-layer summaries.</param>
/// <param name="Examples">Texts analyzed.</param>
/// <param name="Tokens">Tokens analyzed (all layers see the same tokens).</param>
/// <param name="Predictions">Tokens that have a next token (accuracy, probability and rank are over these).</param>
/// <param name="Finish">Where the finish starts and which output it reproduces, e.g. "blocks.4.hook_resid_post → logits".</param>
/// <param name="TokenSets">The token sets' names, sizes and missing tokens.</param>
public sealed record LensResult(IReadOnlyList<LensLayer> Layers, long Examples, long Tokens, long Predictions, string Finish, IReadOnlyList<TokenSetSummary> TokenSets);

/// <summary>A token set as the lens used it.</summary>
public sealed record TokenSetSummary(string Name, int Tokens, int Missing);

/// <summary>One token at one layer, as the lens saw it (a row of the per-token Parquet file).</summary>
public sealed record LensTokenRow(long ExampleId, int Position, int TokenId, string Token, int Layer, string Hook, int? NextTokenId,
    int? NextTokenRank, float? NextTokenProbability, float Entropy, float KlToFinal, int[] TopIds, float[] TopProbabilities, float[] SetMass);

/// <summary>One layer of the lens at one position.</summary>
/// <param name="Hook">The residual-stream hook.</param>
/// <param name="TokenRank">Rank of the token that followed (0 = most likely).</param>
/// <param name="TokenProbability">Its probability.</param>
/// <param name="Entropy">Entropy of the layer's distribution, nats.</param>
/// <param name="KlToFinal">KL(final ‖ layer), nats.</param>
/// <param name="TopIds">The most likely tokens, most likely first.</param>
/// <param name="TopProbabilities">Their probabilities.</param>
/// <param name="SetMass">Probability mass per token set.</param>
public sealed record StepLensLayer(string Hook, int TokenRank, float TokenProbability, float Entropy, float KlToFinal, int[] TopIds, float[] TopProbabilities, float[] SetMass);
