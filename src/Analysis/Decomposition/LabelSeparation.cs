using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>How much of a projection's spread the labels explain.</summary>
public static class LabelSeparation
{
    /// <summary>
    /// η² = between-label sum of squares / total sum of squares over all columns of <paramref name="points"/> (e.g. the
    /// first two PCA coordinates): 0 when every label has the same centroid, 1 when each label sits on one point.
    /// </summary>
    public static double EtaSquared(Matrix points, IReadOnlyList<string> labels)
    {
        if (labels.Count != points.Rows) throw new ArgumentException($"{points.Rows} rows but {labels.Count} labels.");
        var d = points.Columns;
        var mean = new double[d];
        var sums = new Dictionary<string, (double[] Sum, int Count)>(StringComparer.Ordinal);
        for (var i = 0; i < points.Rows; i++)
        {
            if (!sums.TryGetValue(labels[i], out var s)) s = (new double[d], 0);
            for (var j = 0; j < d; j++) { s.Sum[j] += points[i, j]; mean[j] += points[i, j]; }
            sums[labels[i]] = (s.Sum, s.Count + 1);
        }
        for (var j = 0; j < d; j++) mean[j] /= points.Rows;
        double total = 0, between = 0;
        for (var i = 0; i < points.Rows; i++)
            for (var j = 0; j < d; j++) total += (points[i, j] - mean[j]) * (points[i, j] - mean[j]);
        foreach (var (sum, count) in sums.Values)
            for (var j = 0; j < d; j++) between += count * (sum[j] / count - mean[j]) * (sum[j] / count - mean[j]);
        return total > 0 ? between / total : 0;
    }
}
