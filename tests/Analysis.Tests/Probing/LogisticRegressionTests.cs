using Analysis.Numerics;
using Analysis.Probing;
using Analysis.Tests.Numerics;

namespace Analysis.Tests.Probing;

public class LogisticRegressionTests
{
    private static (Matrix X, int[] Y) Blobs(int rows, int dim, int classes, double separation, int seed)
    {
        var rng = new Random(seed);
        var centers = Synthetic.Gaussian(classes, dim, seed + 1, scale: separation);
        var x = new Matrix(rows, dim);
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % classes == 0 && i % 7 == 0 ? 0 : rng.Next(classes); // class 0 over-represented
            for (var j = 0; j < dim; j++) x[i, j] = (float)(centers[y[i], j] + Synthetic.Normal(rng) + 3);
        }
        return (x, y);
    }

    [Fact]
    public void Separates_linearly_separable_classes_perfectly()
    {
        var (x, y) = Blobs(900, 20, 3, separation: 8, seed: 1);
        var probe = LogisticRegression.Fit(x, y, ["a", "b", "c"]);
        Assert.Equal(1.0, Metrics.Accuracy(y, probe.Predict(x)));
        var (test, yTest) = Blobs(300, 20, 3, separation: 8, seed: 1);
        Assert.Equal(1.0, Metrics.Accuracy(yTest, probe.Predict(test)));
    }

    [Theory]
    [InlineData(false, false, 1.0)]
    [InlineData(true, true, 0.05)]
    public void Matches_sklearn_coefficients(bool balanced, bool standardize, double c)
    {
        var (x, y) = Blobs(800, 12, 4, separation: 0.8, seed: 7);
        var probe = LogisticRegression.Fit(x, y, ["0", "1", "2", "3"],
            new LogisticRegressionOptions { C = c, BalancedClassWeights = balanced, Standardize = standardize, Tolerance = 1e-9 });
        // sklearn on the same data; with standardization, raw-space weights are coef / scale and bias − coef·mean/scale.
        var reference = Sklearn.Run($$"""
            from sklearn.linear_model import LogisticRegression
            from sklearn.preprocessing import StandardScaler
            X = x.reshape(-1, 12); Y = y.astype(int)
            mean, scale = np.zeros(12), np.ones(12)
            if {{(standardize ? "True" : "False")}}:
                s = StandardScaler().fit(X); mean, scale = s.mean_, s.scale_
            m = LogisticRegression(C={{c}}, class_weight={{(balanced ? "'balanced'" : "None")}}, tol=1e-10, max_iter=10000).fit((X - mean) / scale, Y)
            W = m.coef_ / scale; b = m.intercept_ - W @ mean
            print(json.dumps({"w": W.ravel().tolist(), "p": m.predict_proba((X - mean) / scale).ravel().tolist()}))
            """, ("x", x.AsDoubles()), ("y", y.Select(v => (double)v).ToArray()));
        var w = reference.GetProperty("w").Doubles();
        var p = reference.GetProperty("p").Doubles();
        // Multinomial weights are identifiable only up to a per-feature shift across classes; L2 fixes it (Σ_c W_c = 0), so compare directly.
        var scale = w.Max(Math.Abs);
        for (var i = 0; i < w.Length; i++) Assert.True(Math.Abs(w[i] - probe.Weights[i]) <= 2e-3 * scale, $"w[{i}] {probe.Weights[i]} vs sklearn {w[i]}");
        // The intercept is ill-conditioned on shifted inputs (mean 3 per feature), so check it through the probabilities.
        var ours = probe.Probabilities(x);
        for (var i = 0; i < p.Length; i++) Assert.True(Math.Abs(p[i] - ours[i]) <= 2e-3, $"p[{i}] {ours[i]} vs sklearn {p[i]}");
    }

    [Fact]
    public void Rejects_a_single_class()
    {
        var e = Assert.Throws<BadInputException>(() => ClassEncoding.Of(["x", "x", "x"]));
        Assert.Contains("single value 'x'", e.Message);
        Assert.Throws<BadInputException>(() => LogisticRegression.Fit(new Matrix(2, 2), [0, 0], ["only"]));
    }
}
