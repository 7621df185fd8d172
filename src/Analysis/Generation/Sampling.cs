namespace Analysis.Generation;

/// <summary>How the next token is chosen: greedy argmax, or temperature and nucleus (top-p) sampling from a seeded generator.</summary>
/// <param name="Greedy">Take the most likely token (ties: the lowest id).</param>
/// <param name="Temperature">Logits are divided by it before the softmax (sampling only).</param>
/// <param name="TopP">Sample from the smallest set of most likely tokens whose probability reaches it (sampling only).</param>
/// <param name="Seed">Seed of the random generator; the same seed gives the same continuation.</param>
public sealed record Sampling(bool Greedy = true, double Temperature = 1, double TopP = 1, int Seed = 0)
{
    /// <summary>Greedy decoding.</summary>
    public static Sampling GreedyDecoding { get; } = new();

    /// <summary>Checks the values; throws <see cref="BadInputException"/> on nonsense.</summary>
    public Sampling Validated()
    {
        if (!Greedy && !(Temperature > 0 && double.IsFinite(Temperature))) throw new BadInputException($"--temperature must be a positive number, not {Temperature}.");
        if (!Greedy && !(TopP > 0 && TopP <= 1)) throw new BadInputException($"--top-p must be in (0, 1], not {TopP}.");
        return this;
    }

    /// <summary>Chooses the next token from one row of logits.</summary>
    public int Next(ReadOnlySpan<float> logits, Random random)
    {
        if (Greedy) return System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits);
        var max = float.NegativeInfinity;
        foreach (var l in logits) max = Math.Max(max, l);
        var p = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < p.Length; i++) sum += p[i] = Math.Exp((logits[i] - max) / Temperature);
        var order = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).ThenBy(i => i).ToArray();
        // The nucleus: the most likely tokens until their mass reaches top-p (at least one).
        double kept = 0;
        var count = 0;
        while (count < order.Length && (count == 0 || kept < TopP * sum)) kept += p[order[count++]];
        var u = random.NextDouble() * kept;
        for (var j = 0; j < count; j++)
        {
            u -= p[order[j]];
            if (u <= 0) return order[j];
        }
        return order[count - 1];
    }
}
