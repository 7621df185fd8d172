using Analysis.Datasets;
using Analysis.Sae;
using Analysis.Tests.Numerics;
using Analysis.Tests.Similarity;

namespace Analysis.Tests.Sae;

/// <summary>
/// The match by activations on real stories260k codes: a permuted copy read from a second extraction of the same text
/// (other batching, other row groups) is matched exactly, and the streamed sparse correlations equal numpy's corrcoef
/// of the dense codes.
/// </summary>
public sealed class SaeCorrelationMatchTests(StoriesActivations acts) : IClassFixture<StoriesActivations>
{
    private const int D = 64, Latents = 64;

    private static Analysis.Sae.Sae RandomSae(string hook, ulong seed, string data)
    {
        using var table = ActivationTable.Open(data);
        var x = table.ReadMatrix(hook);
        var mean = new float[D];
        for (var i = 0; i < x.Rows; i++) System.Numerics.Tensors.TensorPrimitives.Add(mean, x.Row(i), mean);
        System.Numerics.Tensors.TensorPrimitives.Divide(mean, x.Rows, mean);
        return new Analysis.Sae.Sae(SaeArchitecture.TopK, 4, SaeWeights.Initial(D, Latents, mean, seed), new SaeInfo { HookName = hook });
    }

    [Fact]
    public void Correlation_match_of_a_permuted_copy_recovers_the_permutation()
    {
        const string hook = "blocks.2.hook_resid_post";
        var a = RandomSae(hook, 21, acts.A);
        var perm = PlantedSeries.Permutation(Latents, 22);
        var b = PlantedSeries.Permuted(a, perm);
        var byCosine = SaeComparison.Compare(a, b);
        var match = SaeComparisonRun.Correlate(a, "a", acts.A, b, "b", acts.B).Match(byCosine);

        using (var table = ActivationTable.Open(acts.A)) Assert.Equal(table.Rows, match.Tokens);
        Assert.True(match.LiveLatents >= Latents * 3 / 4, $"only {match.LiveLatents} of {Latents} latents fire on the data");
        for (var j = 0; j < Latents; j++)
        {
            var i = perm[j];   // latent j of the copy is latent perm[j] of the original
            if (match.BestMatchAToB[i] < 0) { Assert.Equal(-1, match.BestMatchBToA[j]); continue; }
            Assert.Equal(j, match.BestMatchAToB[i]);
            Assert.Equal(i, match.BestMatchBToA[j]);
            Assert.Equal(j, match.OneToOne[i]);
            Assert.Equal(1, match.BestCorrelationAToB[i], 5);
        }
        Assert.Equal(1, match.OneToOneMeanCorrelation, 5);
        Assert.Equal(1, match.BestMatchAgreement);
        Assert.Equal(1, match.OneToOneAgreement);
    }

    [Fact]
    public void Streamed_sparse_correlations_equal_numpys_corrcoef_of_the_dense_codes()
    {
        var (hookA, hookB) = ("blocks.1.hook_resid_post", "blocks.3.hook_resid_post");
        var (a, b) = (RandomSae(hookA, 31, acts.A), RandomSae(hookB, 32, acts.A));
        var ours = SaeComparisonRun.Correlate(a, "a", acts.A, b, "b", acts.A).Correlations();

        using var table = ActivationTable.Open(acts.A);
        var (xa, xb) = (table.ReadMatrix(hookA), table.ReadMatrix(hookB));
        double[] Dense(Analysis.Sae.Sae sae, Analysis.Numerics.Matrix x)
        {
            var codes = sae.Encode(x.Data, x.Rows);
            var dense = new double[x.Rows * Latents];
            for (var t = 0; t < x.Rows; t++)
                for (var p = codes.RowStart[t]; p < codes.RowStart[t + 1]; p++) dense[t * Latents + codes.Latents[p]] = codes.Values[p];
            return dense;
        }
        var reference = Sklearn.Run($$"""
            za = za.reshape(-1, {{Latents}}); zb = zb.reshape(-1, {{Latents}})
            with np.errstate(invalid='ignore', divide='ignore'):
                r = np.corrcoef(za.T, zb.T)[:{{Latents}}, {{Latents}}:]
            print(json.dumps([None if not np.isfinite(v) else float(v) for v in r.ravel()]))
            """, ("za", Dense(a, xa)), ("zb", Dense(b, xb))).EnumerateArray().ToArray();
        var compared = 0;
        for (var p = 0; p < ours.Length; p++)
        {
            if (reference[p].ValueKind == System.Text.Json.JsonValueKind.Null) { Assert.Equal(0f, ours[p]); continue; }   // a latent that never fires
            Assert.True(Math.Abs(reference[p].GetDouble() - ours[p]) < 1e-5, $"pair {p / Latents},{p % Latents}: ours {ours[p]}, numpy {reference[p].GetDouble()}");
            compared++;
        }
        Assert.True(compared > ours.Length / 2, $"only {compared} finite correlations");
    }
}
