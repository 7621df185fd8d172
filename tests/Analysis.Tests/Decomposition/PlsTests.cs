using Analysis.Decomposition;
using Analysis.Probing;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Decomposition;

public class PlsTests
{
    [Fact]
    public void Matches_sklearn_predictions_for_one_and_two_targets()
    {
        var x = Synthetic.Gaussian(300, 15, seed: 4, scale: 2, shift: 1);
        var rng = new Random(2);
        var y = new double[300 * 2];
        for (var i = 0; i < 300; i++)
        {
            y[i * 2] = x[i, 0] + 0.5 * x[i, 3] + 0.3 * Synthetic.Normal(rng);
            y[i * 2 + 1] = x[i, 1] - x[i, 0] + 0.3 * Synthetic.Normal(rng);
        }
        var y1 = Enumerable.Range(0, 300).Select(i => y[i * 2]).ToArray();
        var one = Pls.Fit(x, y1, 1, 3);
        var two = Pls.Fit(x, y, 2, 3);
        var reference = Sklearn.Run("""
            from sklearn.cross_decomposition import PLSRegression
            X = x.reshape(-1, 15); Y = y.reshape(-1, 2)
            p1 = PLSRegression(n_components=3).fit(X, Y[:, 0]).predict(X).ravel()
            p2 = PLSRegression(n_components=3).fit(X, Y).predict(X).ravel()
            print(json.dumps({"p1": p1.tolist(), "p2": p2.tolist()}))
            """, ("x", x.AsDoubles()), ("y", y));
        var p1 = reference.GetProperty("p1").Doubles();
        var p2 = reference.GetProperty("p2").Doubles();
        var ours1 = one.Predict(x);
        var ours2 = two.Predict(x);
        for (var i = 0; i < p1.Length; i++) Assert.Equal(p1[i], ours1[i], 1e-4);
        for (var i = 0; i < p2.Length; i++) Assert.Equal(p2[i], ours2[i], 1e-4);
    }

    [Fact]
    public void With_every_component_pls_is_least_squares_and_cross_validation_prefers_more_than_one()
    {
        // y mixes three directions; one component cannot capture it, d components reproduce ordinary least squares.
        var x = Synthetic.Gaussian(400, 12, seed: 6, shift: 2);
        var rng = new Random(8);
        var y = Enumerable.Range(0, 400).Select(i => 3.0 * x[i, 2] - 2 * x[i, 7] + x[i, 0] + 0.1 * Synthetic.Normal(rng)).ToArray();
        var full = Pls.Fit(x, y, 1, 12);
        var ols = RidgeRegression.Fit(x, y, 1, alpha: 1e-9);
        var p = full.Predict(x);
        var q = ols.Predict(x);
        for (var i = 0; i < 400; i++) Assert.Equal(q[i], p[i], 1e-3);
        var cv = Pls.CrossValidate(x, y, 1, maxComponents: 6);
        Assert.True(cv.BestComponents > 1, $"best {cv.BestComponents}");
        Assert.True(cv.MeanR2[cv.BestComponents - 1] > 0.99);
        Assert.True(cv.MeanR2[0] < cv.MeanR2[cv.BestComponents - 1]);
    }
}
