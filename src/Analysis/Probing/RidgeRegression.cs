using Analysis.Numerics;

namespace Analysis.Probing;

/// <summary>A trained linear regressor: prediction_t = coef_t · x + intercept_t, for one or several targets.</summary>
public sealed record LinearRegressor
{
    /// <summary>Input width.</summary>
    public required int Dimension { get; init; }

    /// <summary>Coefficients, targets × dimension, row-major.</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>Per-target intercept.</summary>
    public required double[] Intercept { get; init; }

    /// <summary>Predictions, rows × targets, row-major.</summary>
    public double[] Predict(Matrix x)
    {
        if (x.Columns != Dimension)
            throw new BadInputException($"The regressor expects {Dimension}-dimensional activations but the data has {x.Columns} columns.");
        var m = Intercept.Length;
        var w = Coefficients.Select(v => (float)v).ToArray();
        var p = new float[x.Rows * m];
        RowProducts.Project(x, w, m, p);
        var result = new double[p.Length];
        for (var i = 0; i < p.Length; i++) result[i] = p[i] + Intercept[i % m];
        return result;
    }
}

/// <summary>Ridge regression with intercept, solved in closed form: (XcᵀXc + αI)·w = Xcᵀyc by Cholesky, as sklearn's Ridge(solver='cholesky').</summary>
public static class RidgeRegression
{
    /// <summary>Fits targets (rows × targets, row-major) with L2 strength alpha.</summary>
    public static LinearRegressor Fit(Matrix x, ReadOnlySpan<double> targets, int targetCount = 1, double alpha = 1.0)
    {
        var (n, d) = (x.Rows, x.Columns);
        if (targets.Length != n * targetCount) throw new ArgumentException($"There are {targets.Length} target values for {n} rows × {targetCount} targets.");
        if (alpha < 0) throw new BadInputException($"alpha must be non-negative (got {alpha}).");
        var scatter = new ScatterAccumulator(d);
        scatter.Add(x);
        var mean = scatter.Mean();
        var a = scatter.Scatter();
        for (var j = 0; j < d; j++) a[(long)j * d + j] += alpha;

        var yMean = new double[targetCount];
        for (var i = 0; i < n; i++) for (var t = 0; t < targetCount; t++) yMean[t] += targets[i * targetCount + t];
        for (var t = 0; t < targetCount; t++) yMean[t] /= n;
        var yc = new float[n * targetCount];
        for (var i = 0; i < yc.Length; i++) yc[i] = (float)(targets[i] - yMean[i % targetCount]);
        // Σ x·yc equals Σ (x−μ)·yc because yc sums to zero.
        var xty = RowProducts.TransposeMultiply(x, yc, targetCount); // targets × d
        var rhs = new double[d * targetCount];
        for (var t = 0; t < targetCount; t++) for (var j = 0; j < d; j++) rhs[j * targetCount + t] = xty[t * d + j];
        Cholesky.SolveInPlace(a, d, rhs, targetCount);

        var coef = new double[targetCount * d];
        var intercept = new double[targetCount];
        for (var t = 0; t < targetCount; t++)
        {
            intercept[t] = yMean[t];
            for (var j = 0; j < d; j++)
            {
                coef[t * d + j] = rhs[j * targetCount + t];
                intercept[t] -= coef[t * d + j] * mean[j];
            }
        }
        return new LinearRegressor { Dimension = d, Coefficients = coef, Intercept = intercept };
    }
}
