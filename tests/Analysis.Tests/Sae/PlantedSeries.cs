using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>
/// SAEs whose decoder rows are built, not trained: a permuted copy of an SAE, and a checkpoint series in which each
/// latent of the final SAE is present (its direction plus a little noise, at a shuffled position) only at chosen checkpoints.
/// </summary>
internal static class PlantedSeries
{
    /// <summary>A copy of <paramref name="sae"/> whose latent j is the original's latent perm[j].</summary>
    public static Analysis.Sae.Sae Permuted(Analysis.Sae.Sae sae, int[] perm)
    {
        var (d, w) = (sae.DIn, sae.Weights);
        float[] Rows(float[] src) { var r = new float[src.Length]; for (var j = 0; j < perm.Length; j++) Array.Copy(src, perm[j] * d, r, j * d, d); return r; }
        return new Analysis.Sae.Sae(sae.Architecture, sae.K,
            new SaeWeights(d, sae.DSae, Rows(w.EncoderRows), [.. perm.Select(i => w.EncoderBias[i])], Rows(w.DecoderRows), w.DecoderBias), sae.Info);
    }

    /// <summary>A random permutation of 0 … n−1.</summary>
    public static int[] Permutation(int n, int seed)
    {
        var perm = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(perm);
        return perm;
    }

    /// <summary>
    /// One SAE per checkpoint; latent f of the final SAE is present at checkpoint c when present[f][c] (its direction plus
    /// noise of norm ≈ 0.1, cosine ≈ 0.995), else a fresh random direction stands in its place. Positions are shuffled in every
    /// checkpoint but the last, whose latent f is planted latent f.
    /// </summary>
    public static Analysis.Sae.Sae[] Series(int d, bool[][] present, string hook, int seed, Func<int, string>? datasetOf = null)
    {
        var random = new Random(seed);
        var m = present.Length;
        var checkpoints = present[0].Length;
        var directions = Enumerable.Range(0, m).Select(_ => Unit(random, d)).ToArray();
        var series = new Analysis.Sae.Sae[checkpoints];
        for (var c = 0; c < checkpoints; c++)
        {
            var perm = c == checkpoints - 1 ? [.. Enumerable.Range(0, m)] : Permutation(m, seed * 31 + c);
            var rows = new float[m * d];
            for (var f = 0; f < m; f++)
            {
                var row = present[f][c] ? directions[f].Zip(Unit(random, d), (u, e) => u + 0.1f * e).ToArray() : Unit(random, d);
                row.CopyTo(rows, perm[f] * d);
            }
            var info = new SaeInfo { HookName = hook, DatasetPath = datasetOf?.Invoke(c) ?? "" };
            series[c] = new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, new SaeWeights(d, m, (float[])rows.Clone(), new float[m], rows, new float[d]), info);
        }
        return series;
    }

    private static float[] Unit(Random random, int d)
    {
        var v = Enumerable.Range(0, d).Select(_ => (float)NextGaussian(random)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static double NextGaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
