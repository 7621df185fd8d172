using Analysis.Decomposition;
using Analysis.Numerics;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Decomposition;

public class NumberLineTests
{
    // Activations place each number v along one direction at f(v), plus noise in 16 dimensions.
    private static (Matrix X, double[] V) Numbers(Func<double, double> placement, int seed)
    {
        var rng = new Random(seed);
        var dir = Synthetic.OrthonormalDirections(1, 16, seed)[0];
        var v = Enumerable.Range(0, 600).Select(_ => (double)rng.Next(1, 1000)).ToArray();
        var x = new Matrix(600, 16);
        for (var i = 0; i < 600; i++)
            for (var j = 0; j < 16; j++) x[i, j] = (float)(placement(v[i]) * dir[j] + 0.05 * Synthetic.Normal(rng));
        return (x, v);
    }

    [Fact]
    public void Logarithmic_spacing_is_recognized()
    {
        var (x, v) = Numbers(Math.Log, 1);
        var r = NumberLine.Analyze("blocks.2.hook_resid_post", x, v);
        Assert.Equal("log", r.Pca.Better);
        Assert.Equal("log", r.Pls.Better);
        Assert.True(r.Pca.Logarithmic.R2 > 0.99);
        Assert.True(r.Pca.Linear.R2 < 0.9);
    }

    [Fact]
    public void Linear_spacing_is_recognized()
    {
        var (x, v) = Numbers(a => a / 300, 2);
        var r = NumberLine.Analyze("h", x, v);
        Assert.Equal("linear", r.Pca.Better);
        Assert.Equal("linear", r.Pls.Better);
        // scale=True gives noise-dominated columns unit variance too, so the first PLS score is a little noisier than PCA's.
        Assert.True(r.Pls.Linear.R2 > 0.95, $"PLS linear R² {r.Pls.Linear.R2}");
        Assert.True(r.PlsCrossValidatedR2 > 0.99, $"PLS cross-validated R² {r.PlsCrossValidatedR2}");
    }

    [Fact]
    public void Non_positive_numbers_are_bad_input() =>
        Assert.Contains("positive", Assert.Throws<BadInputException>(() => NumberLine.Analyze("h", new Matrix(3, 2), [1, 0, 2])).Message);
}
