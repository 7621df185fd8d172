using Analysis.Interventions;
using Analysis.Tokenizers;

namespace Analysis.Generation;

/// <summary>What every backend derives from a request first: the tokenizer, the prompt's ids, the stop tokens and the edits.</summary>
/// <param name="Tokenizer">The loaded tokenizer.</param>
/// <param name="PromptIds">The prompt's token ids.</param>
/// <param name="Stop">Tokens that end generation: the tokenizer's EOS and BOS (llama2.c ends a story with BOS).</param>
/// <param name="Steering">The steering edits, each with its hook resolved (the direction's own when none was given).</param>
/// <param name="Points">The distinct edits to compile into the graph.</param>
internal sealed record GenerationPlan(Tokenizer Tokenizer, int[] PromptIds, HashSet<int> Stop, List<SteeringEdit> Steering, List<InterventionPoint> Points)
{
    /// <summary>The plan of <paramref name="request"/>; bad input (no prompt tokens, a negative count) throws.</summary>
    public static GenerationPlan Of(GenerationRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxNewTokens);
        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var promptIds = tokenizer.Encode(request.Prompt).Ids;
        if (promptIds.Length == 0) throw new BadInputException("The prompt has no tokens; give it some text.");
        var stop = new HashSet<int>();
        if (tokenizer.EosId is { } eos) stop.Add(eos);
        if (tokenizer.BosId is { } bos) stop.Add(bos);
        var steering = request.Steering.Select(s => s with { Hook = s.Hook ?? s.Direction.Hook }).ToList();
        var points = steering.Select(s => new InterventionPoint(s.Hook!, EditKind.Steer))
            .Concat(request.Clamps.Select(c => new InterventionPoint(c.Hook, EditKind.Replace))).Distinct().ToList();
        return new GenerationPlan(tokenizer, promptIds, stop, steering, points);
    }
}
