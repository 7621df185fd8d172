using Analysis.Probing;

namespace Analysis.Tests.Probing;

public class MetricsTests
{
    [Fact]
    public void Classification_metrics_match_hand_computed_values()
    {
        int[] truth = [0, 0, 1, 1, 2, 2];
        int[] pred = [0, 1, 1, 1, 2, 0];
        Assert.Equal(4.0 / 6, Metrics.Accuracy(truth, pred), 12);
        // F1: class0 tp1 fp1 fn1 → 0.5; class1 tp2 fp1 fn0 → 0.8; class2 tp1 fp0 fn1 → 2/3.
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, Metrics.MacroF1(truth, pred, 3), 12);
        float[] p = [0.5f, 0.5f, 0.25f, 0.75f];
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.75)) / 2, Metrics.LogLoss([0, 1], p, 2), 6);
    }

    [Fact]
    public void Regression_metrics_match_hand_computed_values()
    {
        double[] y = [1, 2, 3, 4];
        Assert.Equal(1.0, Metrics.R2(y, y));
        // SS_res = 1, SS_tot = 5.
        Assert.Equal(0.8, Metrics.R2(y, [1, 2, 3, 5]), 12);
        // Monotone transform: Spearman 1; ties get mean ranks: ranks(a) = 1,2.5,2.5,4.
        Assert.Equal(1.0, Metrics.Spearman(y, y.Select(Math.Exp).ToArray()), 12);
        Assert.Equal(Metrics.Pearson([1, 2.5, 2.5, 4], [1, 2, 3, 4]), Metrics.Spearman([1, 2, 2, 3], y), 12);
    }

    [Fact]
    public void Bootstrap_interval_brackets_the_estimate_and_narrows_with_more_data()
    {
        var rng = new Random(3);
        Estimate Run(int n)
        {
            var hits = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.7).ToArray();
            return Bootstrap.Interval([n], (_, idx) => idx.Count(i => hits[i]) / (double)idx.Length, 500, seed: 1);
        }
        var small = Run(100);
        var large = Run(10000);
        Assert.InRange(small.Value, small.Low, small.High);
        Assert.InRange(large.Value, large.Low, large.High);
        Assert.True(large.High - large.Low < (small.High - small.Low) / 4);
        // Binomial standard error at n = 10000: 95% half-width ≈ 1.96·√(0.21/10000) ≈ 0.009.
        Assert.InRange(large.High - large.Low, 0.012, 0.024);
    }
}
