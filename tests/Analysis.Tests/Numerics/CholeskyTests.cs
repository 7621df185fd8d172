using Analysis.Numerics;

namespace Analysis.Tests.Numerics;

public class CholeskyTests
{
    [Fact]
    public void Solves_an_spd_system_with_two_right_hand_sides()
    {
        // A = Bᵀ B + I is SPD; pick X, compute B = A X, solve back.
        const int n = 30, m = 2;
        var b = Synthetic.Gaussian(n, n, seed: 5);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                var s = i == j ? 1.0 : 0.0;
                for (var r = 0; r < n; r++) s += (double)b[r, i] * b[r, j];
                a[i * n + j] = s;
            }
        var x = Enumerable.Range(0, n * m).Select(i => Math.Sin(i)).ToArray();
        var rhs = new double[n * m];
        for (var i = 0; i < n; i++) for (var c = 0; c < m; c++) for (var j = 0; j < n; j++) rhs[i * m + c] += a[i * n + j] * x[j * m + c];
        Cholesky.SolveInPlace((double[])a.Clone(), n, rhs, m);
        for (var i = 0; i < n * m; i++) Assert.Equal(x[i], rhs[i], 1e-8);
    }

    [Fact]
    public void Reports_a_matrix_that_is_not_positive_definite()
    {
        var a = new double[] { 1, 2, 2, 1 };
        var e = Assert.Throws<BadInputException>(() => Cholesky.SolveInPlace(a, 2, new double[2], 1));
        Assert.Contains("positive definite", e.Message);
    }
}
