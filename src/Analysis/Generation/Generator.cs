using Analysis.Interventions;
using Analysis.Tokenizers;

namespace Analysis.Generation;

/// <summary>
/// Autoregressive generation through our runtime by full recomputation: every step runs the whole sequence and reads
/// the last position's logits. Exact for any causal model, KV cache or not (stories260k has none); each step costs a
/// full forward pass, which for the small models it is meant for is milliseconds. With interventions, the clean and
/// the intervened continuation run as two rows of one batch, the edits fed to the second row only, at every position.
/// Generation stops at the tokenizer's end-of-sequence or beginning-of-sequence token (llama2.c stops at BOS).
/// </summary>
public static class Generator
{
    /// <summary>The method as the results name it.</summary>
    public const string Method = "full recomputation per token through our runtime (no KV cache)";

    // Decoders drop the leading space of a sequence's first word, so decode prompt + continuation and cut the prompt off.
    internal static string ContinuationText(Tokenizer tokenizer, int[] promptIds, List<int> all)
    {
        var prompt = tokenizer.Decode(promptIds, skipSpecialTokens: true);
        var whole = tokenizer.Decode(all.ToArray(), skipSpecialTokens: true);
        return whole.StartsWith(prompt, StringComparison.Ordinal) ? whole[prompt.Length..]
            : tokenizer.Decode(all.Skip(promptIds.Length).ToArray(), skipSpecialTokens: true);
    }

    /// <summary>
    /// Generates; <paramref name="onToken"/> sees each new token of the output row as it comes, <paramref name="observer"/>
    /// each step's choice with its hooks' activations at the choosing position.
    /// </summary>
    public static GenerationResult Run(GenerationRequest request, Action<int>? onToken = null, IGenerationObserver? observer = null)
    {
        var sampling = request.Sampling.Validated();
        var (tokenizer, promptIds, stop, steering, points) = GenerationPlan.Of(request);
        var intervened = points.Count > 0;
        using var model = InterventionModel.Open(request.Model, points, observer?.Hooks);
        foreach (var c in request.Clamps)
            if (c.Channel < 0 || c.Channel >= model.Widths[c.Hook])
                throw new BadInputException($"Channel {c.Channel} is out of range for hook '{c.Hook}', which has {model.Widths[c.Hook]} channels.");

        var rowCount = intervened ? 2 : 1;
        var rows = Enumerable.Range(0, rowCount).Select(_ => new List<int>(promptIds)).ToArray();
        var done = new string?[rowCount];
        var randoms = Enumerable.Range(0, rowCount).Select(_ => new Random(sampling.Seed)).ToArray();
        for (var step = 0; step < request.MaxNewTokens && done.Any(d => d is null); step++)
        {
            var feed = model.CreateFeed(rows.Select(r => r.ToArray()).ToArray());
            if (intervened)
            {
                var row = rowCount - 1;
                foreach (var s in steering) feed.Steer(s.Hook!, row, s.Direction.Vector, (float)s.Alpha);
                foreach (var c in request.Clamps)
                    for (var t = 0; t < rows[row].Count; t++) feed.Replace(c.Hook, row, t, c.Channel, c.Value);
            }
            using var results = model.Run(feed, tokenizer.PadId ?? 0);
            var logits = results[0].AsSpan<float>();
            var vocab = (int)results[0].Shape[^1];
            for (var r = 0; r < rowCount; r++)
            {
                if (done[r] is not null) continue;
                var at = r * feed.Length + rows[r].Count - 1;
                var next = sampling.Next(logits.Slice(at * vocab, vocab), randoms[r]);
                if (r == rowCount - 1 && observer is not null)
                    observer.Observe(step, next, observer.Hooks.Select(h => results[model.HookOutputs[h]].AsSpan<float>().Slice(at * model.Widths[h], model.Widths[h]).ToArray()).ToList());
                if (stop.Contains(next)) { done[r] = "stop token"; continue; }
                rows[r].Add(next);
                if (r == rowCount - 1) onToken?.Invoke(next);
            }
        }
        Continuation Of(int r)
        {
            var ids = rows[r].Skip(promptIds.Length).ToArray();
            return new Continuation(ids, ContinuationText(tokenizer, promptIds, rows[r]), done[r] ?? "max tokens");
        }
        var described = steering.Select(s => $"steer {s.Hook} += {s.Alpha:g4} × ({s.Direction.Source})")
            .Concat(request.Clamps.Select(c => $"clamp {c.Hook}[{c.Channel}] = {c.Value:g4}")).ToArray();
        return new GenerationResult(request.Prompt, promptIds, Of(rowCount - 1), intervened ? Of(0) : null, described, Method);
    }
}
