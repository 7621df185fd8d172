using Analysis.Extraction;
using Analysis.Runtime;

namespace Analysis.Verification;

/// <summary>Greedy decoding by full recomputation: every step runs the whole sequence and takes the argmax of the last position.</summary>
public static class GreedyDecoder
{
    /// <summary>
    /// Generates up to <paramref name="maxNewTokens"/> ids after <paramref name="promptIds"/> with a causal LM whose inputs are
    /// <c>input_ids</c> (+ <c>attention_mask</c>) and whose first output (or <c>logits</c>) is [1, sequence, vocab]. Stops before a stop id.
    /// </summary>
    public static long[] Generate(InferenceSession session, ReadOnlySpan<long> promptIds, int maxNewTokens, IReadOnlySet<long> stopIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (promptIds.IsEmpty) throw new ArgumentException("The prompt has no token ids; greedy decoding needs at least one.", nameof(promptIds));
        var ids = new List<long>(promptIds.Length + maxNewTokens);
        foreach (var id in promptIds) ids.Add(id);
        var output = LogitsOutput(session);
        var feeds = new ModelInputs(session.Inputs);
        var generated = new List<long>(maxNewTokens);
        for (var step = 0; step < maxNewTokens; step++)
        {
            var inputs = feeds.Build(ids);
            using var results = session.Run(inputs, [output]);
            var logits = results[0];
            var vocab = (int)logits.Shape[^1];
            var last = logits.AsSpan<float>()[^vocab..];
            long next = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(last);
            if (stopIds.Contains(next)) break;
            ids.Add(next);
            generated.Add(next);
        }
        return generated.ToArray();
    }

    internal static string LogitsOutput(InferenceSession session) =>
        session.Outputs.Any(o => o.Name == "logits") ? "logits" : session.Outputs[0].Name;
}
