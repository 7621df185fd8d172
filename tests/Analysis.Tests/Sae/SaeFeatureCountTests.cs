using Analysis.Sae;

namespace Analysis.Tests.Sae;

/// <summary>Effective features (exp of the entropy of activation mass) on planted data, and decoder-cosine matching of a permuted copy.</summary>
public sealed class SaeFeatureCountTests
{
    private const int D = 32;

    [Fact]
    public void EffectiveFeaturesCountEquallyUsedPlantedFeatures()
    {
        const int used = 20, latents = 24, tokens = 4000;
        var sae = AxisSae(latents, used);
        var random = new Random(3);
        var x = new float[tokens * D];
        for (var t = 0; t < tokens; t++) x[t * D + t % used] = 0.5f + (float)random.NextDouble();
        var metrics = new SaeDataMetrics(sae);
        metrics.Add(x, tokens);
        var r = metrics.Finish();
        Assert.InRange(r.EffectiveFeatures, used * 0.95, used * 1.05);
        Assert.Equal((latents - used) / (double)latents, r.DeadFraction, 6);
        Assert.True(r.Fvu < 1e-10);
    }

    [Fact]
    public void EffectiveFeaturesOfUnequalUseMatchTheirEntropy()
    {
        const int used = 10;
        var sae = AxisSae(used, used);
        var counts = Enumerable.Range(1, used).Select(j => 10 * j).ToArray();
        var x = new float[counts.Sum() * D];
        var row = 0;
        for (var j = 0; j < used; j++) for (var c = 0; c < counts[j]; c++) x[row++ * D + j] = 1;
        var metrics = new SaeDataMetrics(sae);
        metrics.Add(x, row);
        var p = counts.Select(c => c / (double)counts.Sum());
        Assert.Equal(Math.Exp(-p.Sum(q => q * Math.Log(q))), metrics.Finish().EffectiveFeatures, 6);
    }

    [Fact]
    public void PermutedCopyIsMatchedExactly()
    {
        const int m = 64;
        var a = new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, SaeWeights.Initial(D, m, new float[D], seed: 9), new SaeInfo { HookName = "h" });
        var perm = Enumerable.Range(0, m).ToArray();
        new Random(10).Shuffle(perm);
        // Latent j of the copy is latent perm[j] of the original.
        float[] Rows(float[] src) { var r = new float[src.Length]; for (var j = 0; j < m; j++) Array.Copy(src, perm[j] * D, r, j * D, D); return r; }
        var w = a.Weights;
        var b = new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, new SaeWeights(D, m, Rows(w.EncoderRows), [.. perm.Select(i => w.EncoderBias[i])], Rows(w.DecoderRows), w.DecoderBias), a.Info);
        var r = SaeComparison.Compare(a, b);
        for (var j = 0; j < m; j++)
        {
            Assert.Equal(j, r.BestMatchAToB[perm[j]]);
            Assert.Equal(j, r.OneToOne[perm[j]]);
            Assert.Equal(perm[j], r.BestMatchBToA[j]);
        }
        Assert.All(r.BestCosineAToB, c => Assert.Equal(1, c, 5));
        Assert.Empty(r.Vanishing);
        Assert.Empty(r.Appearing);
        Assert.Equal(1, r.OneToOneMeanCosine, 5);
    }

    /// <summary>Latent j is the axis e_j for j below <paramref name="axes"/>, silent otherwise; TopK with k = 1.</summary>
    private static Analysis.Sae.Sae AxisSae(int latents, int axes)
    {
        var rows = new float[latents * D];
        for (var j = 0; j < axes; j++) rows[j * D + j] = 1;
        return new Analysis.Sae.Sae(SaeArchitecture.TopK, 1, new SaeWeights(D, latents, (float[])rows.Clone(), new float[latents], rows, new float[D]), new SaeInfo { HookName = "h" });
    }
}
