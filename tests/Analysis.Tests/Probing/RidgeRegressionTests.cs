using Analysis.Probing;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Probing;

public class RidgeRegressionTests
{
    [Fact]
    public void Recovers_a_planted_linear_map_with_two_targets()
    {
        var x = Synthetic.Gaussian(500, 16, seed: 2, shift: 1);
        var y = new double[500 * 2];
        for (var i = 0; i < 500; i++)
            for (var j = 0; j < 16; j++) { y[i * 2] += (j + 1) * x[i, j]; y[i * 2 + 1] -= 0.5 * x[i, j]; }
        for (var i = 0; i < 500; i++) { y[i * 2] += 7; y[i * 2 + 1] -= 3; }
        var model = RidgeRegression.Fit(x, y, 2, alpha: 1e-8);
        for (var j = 0; j < 16; j++) { Assert.Equal(j + 1, model.Coefficients[j], 1e-3); Assert.Equal(-0.5, model.Coefficients[16 + j], 1e-3); }
        Assert.Equal(7, model.Intercept[0], 1e-3);
        Assert.Equal(-3, model.Intercept[1], 1e-3);
        Assert.True(Metrics.R2(y.Where((_, i) => i % 2 == 0).ToArray(), model.Predict(x).Where((_, i) => i % 2 == 0).ToArray()) > 0.999999);
    }

    [Fact]
    public void Matches_sklearn_ridge_within_1e4_relative()
    {
        var x = Synthetic.Gaussian(400, 30, seed: 9, scale: 3, shift: 2);
        var rng = new Random(1);
        var y = Enumerable.Range(0, 400).Select(i => x[i, 0] - 2 * x[i, 5] + Synthetic.Normal(rng)).ToArray();
        var model = RidgeRegression.Fit(x, y, 1, alpha: 10);
        var reference = Sklearn.Run("""
            from sklearn.linear_model import Ridge
            m = Ridge(alpha=10.0).fit(x.reshape(-1, 30), y)
            print(json.dumps({"w": m.coef_.tolist(), "b": float(m.intercept_)}))
            """, ("x", x.AsDoubles()), ("y", y));
        var w = reference.GetProperty("w").Doubles();
        var err = Math.Sqrt(w.Select((v, j) => (v - model.Coefficients[j]) * (v - model.Coefficients[j])).Sum() / w.Sum(v => v * v));
        Assert.True(err <= 1e-4, $"relative error {err}");
        Assert.Equal(reference.GetProperty("b").GetDouble(), model.Intercept[0], 1e-3);
    }
}
