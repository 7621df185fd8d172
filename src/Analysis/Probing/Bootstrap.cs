namespace Analysis.Probing;

/// <summary>A value with a 95% interval.</summary>
public sealed record Estimate(double Value, double Low, double High);

/// <summary>Percentile bootstrap confidence intervals over test examples.</summary>
public static class Bootstrap
{
    /// <summary>
    /// 95% percentile interval of a metric averaged over several evaluations (e.g. one per seed):
    /// each resample redraws every evaluation's examples with replacement.
    /// </summary>
    public static Estimate Interval(IReadOnlyList<int> sizes, Func<int, int[], double> metric, int resamples = 1000, int seed = 0)
    {
        var point = Enumerable.Range(0, sizes.Count).Average(e => metric(e, Enumerable.Range(0, sizes[e]).ToArray()));
        var rng = new Random(seed);
        var values = new double[resamples];
        var buffers = sizes.Select(s => new int[s]).ToArray();
        for (var b = 0; b < resamples; b++)
        {
            var sum = 0.0;
            for (var e = 0; e < sizes.Count; e++)
            {
                var idx = buffers[e];
                for (var i = 0; i < idx.Length; i++) idx[i] = rng.Next(idx.Length);
                sum += metric(e, idx);
            }
            values[b] = sum / sizes.Count;
        }
        Array.Sort(values);
        return new Estimate(point, Quantile(values, 0.025), Quantile(values, 0.975));
    }

    private static double Quantile(double[] sorted, double q)
    {
        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
