using Analysis.Numerics;

namespace Analysis.Tests.Numerics;

public class RowProductsTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 29)]
    [InlineData(10, 64)]
    public void Project_and_transpose_multiply_match_naive_loops(int k, int d)
    {
        var x = Synthetic.Gaussian(601, d, seed: 1);
        var w = Synthetic.Gaussian(k, d, seed: 2).Data;
        var r = Synthetic.Gaussian(601, k, seed: 4).Data;
        var projected = new float[601 * k];
        RowProducts.Project(x, w, k, projected);
        var g = RowProducts.TransposeMultiply(x, r, k);
        for (var i = 0; i < 601; i++)
            for (var c = 0; c < k; c++)
            {
                var s = 0.0;
                for (var j = 0; j < d; j++) s += (double)x[i, j] * w[c * d + j];
                Assert.Equal(s, projected[i * k + c], 1e-3);
            }
        for (var c = 0; c < k; c++)
            for (var j = 0; j < d; j++)
            {
                var s = 0.0;
                for (var i = 0; i < 601; i++) s += (double)r[i * k + c] * x[i, j];
                Assert.Equal(s, g[c * d + j], 1e-3);
            }
    }
}
