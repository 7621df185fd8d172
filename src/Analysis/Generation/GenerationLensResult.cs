namespace Analysis.Generation;

/// <summary>One layer of the logit lens at one generation step.</summary>
/// <param name="Hook">The residual-stream hook.</param>
/// <param name="TokenRank">Rank of the generated token in this layer's distribution (0 = most likely).</param>
/// <param name="TokenProbability">Its probability.</param>
/// <param name="Entropy">Entropy of the layer's distribution, nats.</param>
/// <param name="KlToFinal">KL(final ‖ layer), nats.</param>
/// <param name="TopIds">The layer's most likely tokens, most likely first.</param>
/// <param name="TopTokens">Their token strings.</param>
/// <param name="TopProbabilities">Their probabilities.</param>
/// <param name="SetMass">Probability mass on each token set, in the result's set order.</param>
public sealed record GenerationLensLayer(string Hook, int TokenRank, float TokenProbability, float Entropy, float KlToFinal,
    int[] TopIds, string[] TopTokens, float[] TopProbabilities, float[] SetMass);

/// <summary>The lens at one generation step: the token chosen, the position that chose it, and every layer.</summary>
/// <param name="Step">0 for the first generated token.</param>
/// <param name="Position">The position whose residual stream was read (the prompt's last token at step 0).</param>
/// <param name="TokenId">The generated token (a stop token too, the step that ended generation).</param>
/// <param name="Token">Its token string.</param>
/// <param name="Layers">One entry per hook, in model order.</param>
public sealed record GenerationLensStep(int Step, int Position, int TokenId, string Token, IReadOnlyList<GenerationLensLayer> Layers);

/// <summary>The logit lens over a generation, one step per generated token, of the output row (the steered one when steering).</summary>
/// <param name="Finish">Where the finish starts and what it reproduces.</param>
/// <param name="Hooks">The hooks read, in model order; the last is the finish's own input.</param>
/// <param name="TokenSets">The token sets' names (mass per layer in <see cref="GenerationLensLayer.SetMass"/>).</param>
/// <param name="Intervened">Whether the row read carried interventions.</param>
/// <param name="Steps">The steps.</param>
public sealed record GenerationLensResult(string Finish, IReadOnlyList<string> Hooks, IReadOnlyList<string> TokenSets, bool Intervened, IReadOnlyList<GenerationLensStep> Steps);
