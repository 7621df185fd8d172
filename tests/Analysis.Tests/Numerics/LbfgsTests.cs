using Analysis.Numerics;

namespace Analysis.Tests.Numerics;

public class LbfgsTests
{
    [Fact]
    public void Finds_the_Rosenbrock_minimum()
    {
        // f = Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)²; the minimum is all ones.
        static double F(ReadOnlySpan<double> x, Span<double> g)
        {
            g.Clear();
            var f = 0.0;
            for (var i = 0; i + 1 < x.Length; i++)
            {
                var a = x[i + 1] - x[i] * x[i];
                var b = 1 - x[i];
                f += 100 * a * a + b * b;
                g[i] += -400 * a * x[i] - 2 * b;
                g[i + 1] += 200 * a;
            }
            return f;
        }
        var result = new Lbfgs { GradientTolerance = 1e-8, MaxIterations = 2000 }.Minimize(F, new double[] { -1.2, 1, -1.2, 1, 0.5 });
        Assert.True(result.Converged, result.Reason);
        foreach (var v in result.Solution) Assert.Equal(1.0, v, 1e-5);
    }

    [Fact]
    public void Solves_a_quadratic_exactly()
    {
        // f = ½ xᵀ A x − bᵀ x with A = diag(1..20): minimum at x_i = b_i / A_ii (to the relative-decrease stop, 64ε in f).
        var b = Enumerable.Range(1, 20).Select(i => (double)(i % 3 - 1)).ToArray();
        double F(ReadOnlySpan<double> x, Span<double> g)
        {
            var f = 0.0;
            for (var i = 0; i < x.Length; i++) { f += 0.5 * (i + 1) * x[i] * x[i] - b[i] * x[i]; g[i] = (i + 1) * x[i] - b[i]; }
            return f;
        }
        var result = new Lbfgs { GradientTolerance = 1e-10 }.Minimize(F, new double[20]);
        for (var i = 0; i < 20; i++) Assert.Equal(b[i] / (i + 1), result.Solution[i], 1e-6);
    }
}
