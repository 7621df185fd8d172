using System.Numerics.Tensors;
using Analysis.Numerics;

namespace Analysis.Sae;

/// <summary>How the latents of SAE <c>A</c> match those of SAE <c>B</c> by decoder-row cosine (and, with data, by the correlation of their codes).</summary>
public sealed record SaeComparisonResult
{
    /// <summary>The two SAE folders.</summary>
    public string A { get; init; } = "";
    /// <summary>The second SAE folder.</summary>
    public string B { get; init; } = "";
    /// <summary>For each latent of A: its most similar latent of B.</summary>
    public int[] BestMatchAToB { get; init; } = [];
    /// <summary>… and that cosine.</summary>
    public float[] BestCosineAToB { get; init; } = [];
    /// <summary>For each latent of B: its most similar latent of A.</summary>
    public int[] BestMatchBToA { get; init; } = [];
    /// <summary>… and that cosine.</summary>
    public float[] BestCosineBToA { get; init; } = [];
    /// <summary>One-to-one matching maximising the summed cosine: for each latent of A its partner in B, or −1.</summary>
    public int[] OneToOne { get; init; } = [];
    /// <summary>How <see cref="OneToOne"/> was found: "optimal" (linear assignment) or "greedy" (above <see cref="SaeComparison.OptimalLimit"/> latents).</summary>
    public string OneToOneMethod { get; init; } = "";
    /// <summary>Mean cosine over the one-to-one pairs.</summary>
    public double OneToOneMeanCosine { get; init; }
    /// <summary>Latents of A whose best cosine in B is below the threshold: they vanish going from A to B.</summary>
    public int[] Vanishing { get; init; } = [];
    /// <summary>Latents of B whose best cosine in A is below the threshold: they appear.</summary>
    public int[] Appearing { get; init; } = [];
    /// <summary>The threshold for appearing/vanishing.</summary>
    public double Threshold { get; init; }
    /// <summary>Histogram of A's best cosines over [−1, 1] in 40 bins.</summary>
    public long[] BestCosineHistogram { get; init; } = [];
    /// <summary>The match by activations (Pearson correlation of codes on the same tokens), when data was given.</summary>
    public SaeCorrelationMatch? Correlation { get; init; }
}

/// <summary>
/// <c>analysis sae compare</c>: decoder-cosine matching between SAEs on the same hook. The one-to-one matching is an
/// optimal linear assignment (maximum summed cosine, <see cref="LinearAssignment"/>) up to <see cref="OptimalLimit"/>
/// latents per side; above that it is greedy (take the highest-cosine remaining pair, repeat), which is exact whenever
/// each latent's best partner is mutual (a permuted copy) and costs one sort of the m_A·m_B cosines.
/// </summary>
public static class SaeComparison
{
    /// <summary>The output file.</summary>
    public const string CompareFile = "compare.json";

    /// <summary>The largest SAE width (either side) matched one-to-one by optimal assignment; wider pairs are matched greedily.</summary>
    public const int OptimalLimit = 4096;

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/>.</summary>
    public static SaeComparisonResult Compare(Sae a, Sae b, double threshold = 0.7)
    {
        var cos = Cosines(a, b);
        int ma = a.DSae, mb = b.DSae;
        var (bestAB, cosAB) = BestPerRow(cos, ma, mb);
        var (bestBA, cosBA) = BestPerColumn(cos, ma, mb);
        var (partner, method) = OneToOne(cos, ma, mb);
        double sum = 0;
        var pairs = 0;
        for (var i = 0; i < ma; i++)
            if (partner[i] >= 0) { sum += cos[(long)i * mb + partner[i]]; pairs++; }
        var histogram = new long[40];
        foreach (var c in cosAB) histogram[Math.Clamp((int)((c + 1) / 2 * 40), 0, 39)]++;
        return new SaeComparisonResult
        {
            BestMatchAToB = bestAB, BestCosineAToB = cosAB, BestMatchBToA = bestBA, BestCosineBToA = cosBA,
            OneToOne = partner, OneToOneMethod = method, OneToOneMeanCosine = sum / Math.Max(1, pairs), Threshold = threshold,
            Vanishing = [.. Enumerable.Range(0, ma).Where(i => cosAB[i] < threshold)],
            Appearing = [.. Enumerable.Range(0, mb).Where(j => cosBA[j] < threshold)],
            BestCosineHistogram = histogram,
        };
    }

    /// <summary>The m_A × m_B cosines of the decoder rows (row-major).</summary>
    public static float[] Cosines(Sae a, Sae b)
    {
        if (a.DIn != b.DIn) throw new BadInputException($"The SAEs read activations of different widths ({a.DIn} and {b.DIn}); compare SAEs trained on the same hook (or hooks of the same width).");
        var (ua, ub) = (UnitRows(a), UnitRows(b));
        int ma = a.DSae, mb = b.DSae, d = a.DIn;
        var cos = new float[(long)ma * mb];
        ParallelWork.For(ma, (long)mb * d, i =>
        {
            for (var j = 0; j < mb; j++)
                cos[(long)i * mb + j] = TensorPrimitives.Dot(ua.AsSpan(i * d, d), ub.AsSpan(j * d, d));
        });
        return cos;
    }

    /// <summary>One-to-one matching maximising the summed weight: optimal assignment up to <see cref="OptimalLimit"/> per side, greedy above.</summary>
    public static (int[] Partner, string Method) OneToOne(float[] weight, int ma, int mb) =>
        Math.Max(ma, mb) <= OptimalLimit ? (LinearAssignment.Maximize(weight, ma, mb), "optimal") : (Greedy(weight, ma, mb), "greedy");

    /// <summary>Greedy one-to-one matching: the highest remaining weight first (ties by index), each row and column once.</summary>
    public static int[] Greedy(float[] weight, int ma, int mb)
    {
        var order = new long[weight.Length];
        for (long p = 0; p < order.Length; p++) order[p] = p;
        Array.Sort(order, (x, y) => weight[y].CompareTo(weight[x]) is var c && c != 0 ? c : x.CompareTo(y));
        var partner = Enumerable.Repeat(-1, ma).ToArray();
        var taken = new bool[mb];
        var pairs = 0;
        foreach (var p in order)
        {
            int i = (int)(p / mb), j = (int)(p % mb);
            if (partner[i] >= 0 || taken[j]) continue;
            (partner[i], taken[j]) = (j, true);
            if (++pairs == Math.Min(ma, mb)) break;
        }
        return partner;
    }

    /// <summary>Each row's largest entry (first on ties) and its value.</summary>
    internal static (int[] Best, float[] Value) BestPerRow(float[] w, int ma, int mb)
    {
        var (best, value) = (new int[ma], new float[ma]);
        for (var i = 0; i < ma; i++)
        {
            var row = w.AsSpan((int)((long)i * mb), mb);
            best[i] = TensorPrimitives.IndexOfMax(row);
            value[i] = row[best[i]];
        }
        return (best, value);
    }

    /// <summary>Each column's largest entry (first on ties) and its value.</summary>
    internal static (int[] Best, float[] Value) BestPerColumn(float[] w, int ma, int mb)
    {
        var (best, value) = (new int[mb], Enumerable.Repeat(float.NegativeInfinity, mb).ToArray());
        for (var i = 0; i < ma; i++)
            for (var j = 0; j < mb; j++)
            {
                var c = w[(long)i * mb + j];
                if (c > value[j]) (value[j], best[j]) = (c, i);
            }
        return (best, value);
    }

    private static float[] UnitRows(Sae sae)
    {
        var d = sae.DIn;
        var rows = (float[])sae.Weights.DecoderRows.Clone();
        for (var i = 0; i < sae.DSae; i++)
        {
            var row = rows.AsSpan(i * d, d);
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0) TensorPrimitives.Divide(row, norm, row);
        }
        return rows;
    }
}
