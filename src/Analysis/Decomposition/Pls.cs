using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>Cross-validated choice of the PLS component count.</summary>
public sealed record PlsCrossValidation(int BestComponents, double[] MeanR2);

/// <summary>
/// PLS regression by NIPALS with sklearn's PLSRegression conventions (scale=True, power-method weights, regression
/// deflation). X is never copied or modified: standardization and deflation are applied implicitly in each product.
/// </summary>
public static class Pls
{
    /// <summary>Fits components on targets (rows × targetCount, row-major).</summary>
    public static PlsModel Fit(Matrix x, ReadOnlySpan<double> targets, int targetCount, int components, int maxIterations = 500, double tolerance = 1e-6)
    {
        var (n, d, m) = (x.Rows, x.Columns, targetCount);
        if (targets.Length != n * m) throw new ArgumentException($"There are {targets.Length} target values for {n} rows × {m} targets.");
        if (components < 1 || components > Math.Min(n - 1, d)) throw new BadInputException($"Asked for {components} PLS components but at most {Math.Min(n - 1, d)} are possible.");
        x.EnsureFinite("The PLS input");
        var (xMean, xStd) = ColumnStats(x);
        var y = targets.ToArray();
        var yMean = new double[m]; var yStd = new double[m];
        for (var t = 0; t < m; t++)
        {
            var col = Enumerable.Range(0, n).Select(i => y[i * m + t]).ToArray();
            yMean[t] = col.Average();
            var sd = Math.Sqrt(col.Sum(v => (v - yMean[t]) * (v - yMean[t])) / (n - 1));
            yStd[t] = sd > 0 ? sd : 1;
            for (var i = 0; i < n; i++) y[i * m + t] = (y[i * m + t] - yMean[t]) / yStd[t];
        }
        var op = new DeflatedOperator(x, xMean, xStd);
        var weights = new double[components * d];
        var yLoadings = new double[components * m];
        var eps = 2.220446049250313e-16;
        for (var a = 0; a < components; a++)
        {
            // Power method for the first left/right singular vectors of XᵀY (sklearn's mode A).
            var yScore = FirstNonZeroColumn(y, n, m);
            double[] w = [], xScore = [], yWeights = new double[m];
            double[]? previous = null;
            for (var it = 0; it < maxIterations; it++)
            {
                w = op.TransposeTimes(yScore);
                var ss = Dot(yScore, yScore);
                for (var j = 0; j < d; j++) w[j] /= ss;
                var norm = Math.Sqrt(Dot(w, w)) + eps;
                for (var j = 0; j < d; j++) w[j] /= norm;
                xScore = op.Times(w);
                var xss = Dot(xScore, xScore);
                for (var t = 0; t < m; t++) { var s = 0.0; for (var i = 0; i < n; i++) s += y[i * m + t] * xScore[i]; yWeights[t] = s / xss; }
                var yw = Dot(yWeights, yWeights) + eps;
                for (var i = 0; i < n; i++) { var s = 0.0; for (var t = 0; t < m; t++) s += y[i * m + t] * yWeights[t]; yScore[i] = s / yw; }
                var converged = m == 1;
                if (previous is not null) { var diff = 0.0; for (var j = 0; j < d; j++) diff += (w[j] - previous[j]) * (w[j] - previous[j]); converged |= diff < tolerance; }
                if (converged) break;
                previous = w;
            }
            // Sign convention: the largest-magnitude weight is positive.
            var best = 0;
            for (var j = 1; j < d; j++) if (Math.Abs(w[j]) > Math.Abs(w[best])) best = j;
            if (w[best] < 0) { for (var j = 0; j < d; j++) w[j] = -w[j]; for (var i = 0; i < n; i++) xScore[i] = -xScore[i]; }
            var tt = Dot(xScore, xScore);
            var loading = op.TransposeTimes(xScore);
            for (var j = 0; j < d; j++) loading[j] /= tt;
            op.Deflate(xScore, loading);
            for (var t = 0; t < m; t++)
            {
                var s = 0.0; for (var i = 0; i < n; i++) s += xScore[i] * y[i * m + t];
                var q = s / tt;
                yLoadings[a * m + t] = q;
                for (var i = 0; i < n; i++) y[i * m + t] -= xScore[i] * q;
            }
            w.CopyTo(weights, a * d);
        }
        return new PlsModel
        {
            Dimension = d, Targets = m, Components = components, XMean = xMean, XStd = xStd, YMean = yMean, YStd = yStd,
            XWeights = weights, XLoadings = op.Loadings(), YLoadings = yLoadings, XScores = op.Scores(),
        };
    }

    /// <summary>K-fold cross-validation of the component count (1..maxComponents) by mean held-out R² over targets.</summary>
    public static PlsCrossValidation CrossValidate(Matrix x, ReadOnlySpan<double> targets, int targetCount, int maxComponents, int folds = 5, int seed = 0)
    {
        if (folds < 2 || folds > x.Rows) throw new BadInputException($"Cross-validation needs between 2 and {x.Rows} folds (got {folds}).");
        var order = Enumerable.Range(0, x.Rows).ToArray();
        new Random(seed).Shuffle(order);
        var y = targets.ToArray();
        var sums = new double[maxComponents];
        for (var f = 0; f < folds; f++)
        {
            var test = order.Where((_, i) => i % folds == f).ToArray();
            var train = order.Where((_, i) => i % folds != f).ToArray();
            var model = Fit(x.SelectRows(train), train.SelectMany(i => y.AsSpan(i * targetCount, targetCount).ToArray()).ToArray(), targetCount, maxComponents);
            var xTest = x.SelectRows(test);
            for (var a = 1; a <= maxComponents; a++)
            {
                var pred = model.Predict(xTest, a);
                var r2 = 0.0;
                for (var t = 0; t < targetCount; t++)
                {
                    var truth = test.Select(i => y[i * targetCount + t]).ToArray();
                    var p = Enumerable.Range(0, test.Length).Select(i => pred[i * targetCount + t]).ToArray();
                    r2 += Probing.Metrics.R2(truth, p);
                }
                sums[a - 1] += r2 / targetCount;
            }
        }
        var mean = sums.Select(s => s / folds).ToArray();
        return new PlsCrossValidation(Array.IndexOf(mean, mean.Max()) + 1, mean);
    }

    private static (double[] Mean, double[] Std) ColumnStats(Matrix x)
    {
        var mean = ScatterAccumulator.ColumnMeans(x).Select(v => (double)v).ToArray();
        var sq = new double[x.Columns];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < row.Length; j++) { var v = row[j] - mean[j]; sq[j] += v * v; }
        }
        // Refine the float mean in double (one correction step keeps ddof-1 std exact).
        var corr = new double[x.Columns];
        for (var i = 0; i < x.Rows; i++) { var row = x.Row(i); for (var j = 0; j < row.Length; j++) corr[j] += row[j] - mean[j]; }
        for (var j = 0; j < mean.Length; j++)
        {
            var c = corr[j] / x.Rows;
            sq[j] -= x.Rows * c * c;
            mean[j] += c;
        }
        return (mean, sq.Select(s => Math.Sqrt(s / (x.Rows - 1)) is var sd && sd > 0 ? sd : 1.0).ToArray());
    }

    private static double[] FirstNonZeroColumn(double[] y, int n, int m)
    {
        for (var t = 0; t < m; t++)
        {
            var col = Enumerable.Range(0, n).Select(i => y[i * m + t]).ToArray();
            if (col.Any(v => Math.Abs(v) > 2.220446049250313e-16)) return col;
        }
        throw new BadInputException("Every PLS target is constant after deflation; use fewer components.");
    }

    private static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <summary>X_a = (X − μ)/σ − T Pᵀ applied without materializing it.</summary>
    private sealed class DeflatedOperator(Matrix x, double[] mean, double[] std)
    {
        private readonly List<double[]> _scores = [];
        private readonly List<double[]> _loadings = [];

        public double[] Times(double[] v)
        {
            var d = x.Columns;
            var scaled = new float[d];
            var offset = 0.0;
            for (var j = 0; j < d; j++) { var s = v[j] / std[j]; scaled[j] = (float)s; offset += s * mean[j]; }
            var raw = new float[x.Rows];
            RowProducts.Project(x, scaled, 1, raw);
            var result = new double[x.Rows];
            for (var i = 0; i < result.Length; i++) result[i] = raw[i] - offset;
            for (var a = 0; a < _scores.Count; a++)
            {
                var pv = Dot(_loadings[a], v);
                var t = _scores[a];
                for (var i = 0; i < result.Length; i++) result[i] -= t[i] * pv;
            }
            return result;
        }

        public double[] TransposeTimes(double[] u)
        {
            var d = x.Columns;
            var g = RowProducts.TransposeMultiply(x, u.Select(v => (float)v).ToArray(), 1);
            var sum = u.Sum();
            for (var j = 0; j < d; j++) g[j] = (g[j] - sum * mean[j]) / std[j];
            for (var a = 0; a < _scores.Count; a++)
            {
                var tu = Dot(_scores[a], u);
                var p = _loadings[a];
                for (var j = 0; j < d; j++) g[j] -= p[j] * tu;
            }
            return g;
        }

        public void Deflate(double[] scores, double[] loadings) { _scores.Add(scores); _loadings.Add(loadings); }

        public double[] Loadings() => _loadings.SelectMany(l => l).ToArray();

        public double[] Scores()
        {
            var n = x.Rows;
            var k = _scores.Count;
            var s = new double[n * k];
            for (var a = 0; a < k; a++) for (var i = 0; i < n; i++) s[i * k + a] = _scores[a][i];
            return s;
        }
    }
}
