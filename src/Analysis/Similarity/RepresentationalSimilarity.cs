using Analysis.Numerics;

namespace Analysis.Similarity;

/// <summary>
/// Representational similarity analysis: each layer's dissimilarity matrix over the same rows (upper triangle), and
/// the Spearman rank correlation between two such matrices. Quadratic in the rows, so it runs on a subsample.
/// </summary>
public static class RepresentationalSimilarity
{
    /// <summary>The upper triangle (i &lt; j, row-major) of the rows' dissimilarity matrix.</summary>
    public static double[] Dissimilarities(Matrix rows, RsaDistance distance)
    {
        var n = rows.Rows;
        var d = rows.Columns;
        // Prepare each row once so that every pair is a dot product (or a plain difference for Euclidean).
        var v = new double[n * d];
        for (var i = 0; i < n; i++)
        {
            var r = rows.Row(i);
            var mean = 0.0;
            if (distance == RsaDistance.Correlation) { for (var j = 0; j < d; j++) mean += r[j]; mean /= d; }
            var norm = 0.0;
            for (var j = 0; j < d; j++) { var x = r[j] - mean; v[i * d + j] = x; norm += x * x; }
            if (distance != RsaDistance.Euclidean)
            {
                norm = Math.Sqrt(norm);
                for (var j = 0; j < d; j++) v[i * d + j] = norm > 0 ? v[i * d + j] / norm : 0;
            }
        }
        var result = new double[(long)n * (n - 1) / 2];
        var starts = Enumerable.Range(0, n).Select(i => (long)i * (2L * n - i - 1) / 2).ToArray();
        Parallel.For(0, n, i =>
        {
            var a = v.AsSpan(i * d, d);
            for (var j = i + 1; j < n; j++)
            {
                var b = v.AsSpan(j * d, d);
                double s = 0;
                if (distance == RsaDistance.Euclidean) { for (var k = 0; k < d; k++) { var t = a[k] - b[k]; s += t * t; } s = Math.Sqrt(s); }
                else { for (var k = 0; k < d; k++) s += a[k] * b[k]; s = 1 - s; }
                // Rounded so that rows equal up to float noise (a repeated token's embedding) tie exactly, as they should.
                result[starts[i] + j - i - 1] = Math.Round(s, 12);
            }
        });
        return result;
    }

    /// <summary>Ranks (1-based, ties get their average rank) centred and scaled to unit length, so that Spearman's ρ is a dot product.</summary>
    public static double[] NormalizedRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).ToArray();
        Array.Sort(values.ToArray(), order);
        var ranks = new double[values.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        var mean = ranks.Average();
        var norm = Math.Sqrt(ranks.Sum(r => (r - mean) * (r - mean)));
        for (var i = 0; i < ranks.Length; i++) ranks[i] = norm > 0 ? (ranks[i] - mean) / norm : double.NaN;
        return ranks;
    }

    /// <summary>Spearman's ρ between two dissimilarity vectors given as <see cref="NormalizedRanks"/>.</summary>
    public static double Spearman(double[] ranksA, double[] ranksB)
    {
        if (ranksA.Length != ranksB.Length) throw new ArgumentException("Both dissimilarity matrices must cover the same rows.");
        var s = 0.0;
        for (var i = 0; i < ranksA.Length; i++) s += ranksA[i] * ranksB[i];
        return s;
    }
}
