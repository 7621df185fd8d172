using Analysis.Decomposition;
using Analysis.Numerics;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Decomposition;

public class PcaTests
{
    // Variances 9, 4, 1 along three planted orthonormal directions, plus 0.01² isotropic noise, plus an offset.
    private static (Matrix X, double[][] Directions) Planted(int rows, int dim, int seed)
    {
        var dirs = Synthetic.OrthonormalDirections(3, dim, seed);
        var rng = new Random(seed);
        var x = new Matrix(rows, dim);
        double[] sd = [3, 2, 1];
        for (var i = 0; i < rows; i++)
        {
            var coef = sd.Select(s => s * Synthetic.Normal(rng)).ToArray();
            for (var j = 0; j < dim; j++)
                x[i, j] = (float)(10 + coef[0] * dirs[0][j] + coef[1] * dirs[1][j] + coef[2] * dirs[2][j] + 0.01 * Synthetic.Normal(rng));
        }
        return (x, dirs);
    }

    [Fact]
    public void Exact_pca_finds_planted_directions_and_variances()
    {
        var (x, dirs) = Planted(4000, 40, seed: 1);
        var pca = Pca.Fit(x, 3);
        for (var c = 0; c < 3; c++)
        {
            var cos = Math.Abs(Enumerable.Range(0, 40).Sum(j => pca.Components[c * 40 + j] * dirs[c][j]));
            Assert.True(cos > 0.999, $"component {c}: |cos| {cos}");
        }
        Assert.Equal(9, pca.ExplainedVariance[0], 0.6);
        Assert.Equal(4, pca.ExplainedVariance[1], 0.3);
        Assert.Equal(1, pca.ExplainedVariance[2], 0.1);
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 3);
        Assert.Equal(pca.ExplainedVariance[0] / pca.ExplainedVariance.Sum(), pca.ExplainedVarianceRatio[0], 3);
        // Projections: the mean is removed and the variance of the first score is the first eigenvalue.
        var scores = pca.Transform(x);
        var first = Enumerable.Range(0, x.Rows).Select(i => (double)scores[i, 0]).ToArray();
        Assert.Equal(0, first.Average(), 2);
        Assert.Equal(pca.ExplainedVariance[0], first.Sum(v => v * v) / (x.Rows - 1), 2);
    }

    [Fact]
    public void Streaming_over_chunks_equals_one_pass_and_randomized_agrees()
    {
        var (x, _) = Planted(3000, 50, seed: 2);
        var whole = Pca.Fit(x, 3);
        var chunks = Enumerable.Range(0, 3).Select(c => x.SelectRows(Enumerable.Range(c * 1000, 1000).ToArray()));
        var streamed = Pca.Fit(chunks, 3);
        var randomized = Pca.FitRandomized(x, 3, seed: 5);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(whole.ExplainedVarianceRatio[c], streamed.ExplainedVarianceRatio[c], 1e-7);
            Assert.Equal(whole.ExplainedVarianceRatio[c], randomized.ExplainedVarianceRatio[c], 1e-5);
            for (var j = 0; j < 50; j++)
            {
                Assert.Equal(whole.Components[c * 50 + j], streamed.Components[c * 50 + j], 1e-6);
                Assert.Equal(whole.Components[c * 50 + j], randomized.Components[c * 50 + j], 1e-3);
            }
        }
    }

    [Fact]
    public void Matches_sklearn_ratios_and_components_up_to_sign()
    {
        var x = Synthetic.Gaussian(600, 25, seed: 3);
        for (var i = 0; i < 600; i++) for (var j = 0; j < 25; j++) x[i, j] *= (float)(1 + j * 0.2);
        var pca = Pca.Fit(x, 5);
        var reference = Sklearn.Run("""
            from sklearn.decomposition import PCA
            m = PCA(n_components=5, svd_solver='full').fit(x.reshape(-1, 25))
            print(json.dumps({"ratio": m.explained_variance_ratio_.tolist(), "var": m.explained_variance_.tolist(), "comp": m.components_.ravel().tolist()}))
            """, ("x", x.AsDoubles()));
        var ratio = reference.GetProperty("ratio").Doubles();
        var variance = reference.GetProperty("var").Doubles();
        var comp = reference.GetProperty("comp").Doubles();
        for (var c = 0; c < 5; c++)
        {
            Assert.True(Math.Abs(ratio[c] - pca.ExplainedVarianceRatio[c]) <= 1e-5, $"ratio {c}");
            Assert.Equal(variance[c], pca.ExplainedVariance[c], 4);
            var dot = Enumerable.Range(0, 25).Sum(j => comp[c * 25 + j] * pca.Components[c * 25 + j]);
            Assert.True(Math.Abs(dot) > 1 - 1e-6, $"component {c}: dot {dot}");
        }
    }

    [Fact]
    public void Too_many_components_is_bad_input() =>
        Assert.Contains("at most", Assert.Throws<BadInputException>(() => Pca.Fit(Synthetic.Gaussian(10, 4, 1), 5)).Message);
}
