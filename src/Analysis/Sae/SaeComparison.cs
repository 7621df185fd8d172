using System.Text.Json;
using Analysis.Results;

namespace Analysis.Sae;

/// <summary>How the latents of SAE <c>A</c> match those of SAE <c>B</c> by decoder-row cosine.</summary>
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
    /// <summary>One-to-one matching (greedy by descending cosine): for each latent of A its partner in B, or −1.</summary>
    public int[] OneToOne { get; init; } = [];
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
}

/// <summary>
/// <c>analysis sae compare</c>: decoder-cosine matching between SAEs on the same hook. The one-to-one matching is greedy
/// (take the highest-cosine remaining pair, repeat), not Hungarian: it is exact whenever each latent's best partner
/// is mutual (a permuted copy) and costs one sort of the m_A·m_B cosines.
/// </summary>
public static class SaeComparison
{
    /// <summary>The output file.</summary>
    public const string CompareFile = "compare.json";

    /// <summary>Compares <paramref name="a"/> with <paramref name="b"/>.</summary>
    public static SaeComparisonResult Compare(Sae a, Sae b, double threshold = 0.7)
    {
        if (a.DIn != b.DIn) throw new BadInputException($"The SAEs read activations of different widths ({a.DIn} and {b.DIn}); compare SAEs trained on the same hook.");
        var (ua, ub) = (UnitRows(a), UnitRows(b));
        int ma = a.DSae, mb = b.DSae, d = a.DIn;
        var cos = new float[(long)ma * mb];
        ParallelWork.For(ma, (long)mb * d, i =>
        {
            for (var j = 0; j < mb; j++)
                cos[(long)i * mb + j] = System.Numerics.Tensors.TensorPrimitives.Dot(ua.AsSpan(i * d, d), ub.AsSpan(j * d, d));
        });
        var (bestAB, cosAB) = (new int[ma], new float[ma]);
        var (bestBA, cosBA) = (new int[mb], Enumerable.Repeat(float.NegativeInfinity, mb).ToArray());
        for (var i = 0; i < ma; i++)
        {
            cosAB[i] = float.NegativeInfinity;
            for (var j = 0; j < mb; j++)
            {
                var c = cos[(long)i * mb + j];
                if (c > cosAB[i]) (cosAB[i], bestAB[i]) = (c, j);
                if (c > cosBA[j]) (cosBA[j], bestBA[j]) = (c, i);
            }
        }
        var order = new long[cos.Length];
        for (long p = 0; p < order.Length; p++) order[p] = p;
        Array.Sort(order, (x, y) => cos[y].CompareTo(cos[x]) is var c && c != 0 ? c : x.CompareTo(y));
        var partner = Enumerable.Repeat(-1, ma).ToArray();
        var taken = new bool[mb];
        double sum = 0;
        var pairs = 0;
        foreach (var p in order)
        {
            int i = (int)(p / mb), j = (int)(p % mb);
            if (partner[i] >= 0 || taken[j]) continue;
            (partner[i], taken[j]) = (j, true);
            sum += cos[p];
            if (++pairs == Math.Min(ma, mb)) break;
        }
        var histogram = new long[40];
        foreach (var c in cosAB) histogram[Math.Clamp((int)((c + 1) / 2 * 40), 0, 39)]++;
        return new SaeComparisonResult
        {
            BestMatchAToB = bestAB, BestCosineAToB = cosAB, BestMatchBToA = bestBA, BestCosineBToA = cosBA,
            OneToOne = partner, OneToOneMeanCosine = sum / Math.Max(1, pairs), Threshold = threshold,
            Vanishing = [.. Enumerable.Range(0, ma).Where(i => cosAB[i] < threshold)],
            Appearing = [.. Enumerable.Range(0, mb).Where(j => cosBA[j] < threshold)],
            BestCosineHistogram = histogram,
        };
    }

    /// <summary>Compares each SAE folder with the next and writes compare.json and results.json to <paramref name="output"/>.</summary>
    public static IReadOnlyList<SaeComparisonResult> Run(IReadOnlyList<string> saes, string output, double threshold = 0.7)
    {
        if (saes.Count < 2) throw new BadInputException("Name at least two SAE folders to compare.");
        foreach (var s in saes)
            if (!Analysis.Sae.Sae.Exists(s)) throw new BadInputException($"'{s}' is not an SAE folder (no {Analysis.Sae.Sae.ConfigFile} and {Analysis.Sae.Sae.WeightsFile}).");
        var loaded = saes.Select(Analysis.Sae.Sae.Load).ToList();
        var results = new List<SaeComparisonResult>();
        for (var i = 0; i + 1 < loaded.Count; i++)
            results.Add(Compare(loaded[i], loaded[i + 1], threshold) with { A = saes[i], B = saes[i + 1] });
        Directory.CreateDirectory(output);
        var path = Path.Combine(output, CompareFile);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(results, SaeEvaluation.Json));
        File.Move(path + ".tmp", path, overwrite: true);
        ResultsFile.Save(output, new Dictionary<string, string> { ["saes"] = string.Join(", ", saes) },
            ("saeCompare", results.Select(r => new { r.A, r.B, r.OneToOneMeanCosine, vanishing = r.Vanishing.Length, appearing = r.Appearing.Length, r.BestCosineHistogram }).ToList()));
        return results;
    }

    private static float[] UnitRows(Sae sae)
    {
        var d = sae.DIn;
        var rows = (float[])sae.Weights.DecoderRows.Clone();
        for (var i = 0; i < sae.DSae; i++)
        {
            var row = rows.AsSpan(i * d, d);
            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }
        return rows;
    }
}
