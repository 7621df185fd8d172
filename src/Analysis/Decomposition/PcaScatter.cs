using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>A sample of rows on the first two principal axes, with their labels: what the report's scatter plots draw.</summary>
public sealed record PcaScatter(string Hook, string Label, double[] ExplainedVarianceRatio, double[] X, double[] Y, string[] Labels)
{
    /// <summary>Fits a 2-component PCA on the layer and keeps a seeded sample of at most maxPoints rows.</summary>
    public static PcaScatter Of(string hook, string label, Matrix x, IReadOnlyList<string> labels, int maxPoints = 1500, int seed = 0)
    {
        if (labels.Count != x.Rows) throw new ArgumentException($"Hook {hook} has {x.Rows} rows but {labels.Count} labels.");
        var pca = Pca.Fit(x, Math.Min(2, x.Columns));
        var scores = pca.Transform(x);
        var pick = Enumerable.Range(0, x.Rows).ToArray();
        new Random(seed).Shuffle(pick);
        pick = pick.Take(maxPoints).ToArray();
        return new PcaScatter(hook, label, pca.ExplainedVarianceRatio,
            pick.Select(i => (double)scores[i, 0]).ToArray(),
            pick.Select(i => scores.Columns > 1 ? (double)scores[i, 1] : 0).ToArray(),
            pick.Select(i => labels[i]).ToArray());
    }
}
