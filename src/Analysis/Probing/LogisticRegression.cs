using System.Numerics.Tensors;
using Analysis.Numerics;

namespace Analysis.Probing;

/// <summary>Settings of a multinomial logistic-regression probe (sklearn's LogisticRegression vocabulary).</summary>
public sealed record LogisticRegressionOptions
{
    /// <summary>Inverse L2 strength: minimizes Σ wᵢ·logloss + ½/C·‖W‖² (intercept unpenalized), as sklearn.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>sklearn's class_weight='balanced': weight n / (classes · count(class)).</summary>
    public bool BalancedClassWeights { get; init; }

    /// <summary>Standardize features (train mean / std) before fitting; folded into the returned weights.</summary>
    public bool Standardize { get; init; }

    /// <summary>L-BFGS iteration limit.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Stop when max |∇f| of the per-sample-mean objective falls below this.</summary>
    public double Tolerance { get; init; } = 1e-5;
}

/// <summary>Fits multinomial logistic regression with L2 by L-BFGS; the objective's pass over X is fused (logits, softmax, gradient).</summary>
public static class LogisticRegression
{
    private const int BlockRows = 64; // a block of centered rows stays in L2 while both kernels run over it

    /// <summary>Fits a probe; labels are class ids 0..classes.Length−1.</summary>
    public static LinearClassifier Fit(Matrix x, ReadOnlySpan<int> labels, string[] classes, LogisticRegressionOptions? options = null) =>
        Fit(x, labels, classes, options, start: null, out _);

    /// <summary>
    /// Fits from a start point θ (a previous solution of the same problem with another C: a regularisation path warm-starts
    /// each fit from its neighbour's) and returns the solution θ too.
    /// </summary>
    internal static LinearClassifier Fit(Matrix x, ReadOnlySpan<int> labels, string[] classes, LogisticRegressionOptions? options,
        double[]? start, out double[] solution)
    {
        options ??= new();
        var (n, d, k) = (x.Rows, x.Columns, classes.Length);
        if (labels.Length != n) throw new ArgumentException($"There are {labels.Length} labels for {n} rows; give one label per row.");
        if (k < 2) throw new BadInputException("A classification probe needs at least two classes; the label column has only one value.");
        if (options.C <= 0) throw new BadInputException($"C must be positive (got {options.C}).");
        var y = labels.ToArray();
        var counts = new int[k];
        foreach (var c in y)
        {
            if ((uint)c >= (uint)k) throw new ArgumentException($"Label id {c} is outside 0..{k - 1}.");
            counts[c]++;
        }
        var classWeight = new double[k];
        for (var c = 0; c < k; c++) classWeight[c] = options.BalancedClassWeights && counts[c] > 0 ? (double)n / (k * counts[c]) : 1.0;

        // Always center (the intercept is unpenalized, so the optimum is unchanged) and optionally scale: the float
        // dot products then act on small numbers, which keeps the objective smooth to the optimum.
        var (mean, scale) = Standardization(x, options.Standardize);
        var totalWeight = 0.0;
        foreach (var c in y) totalWeight += classWeight[c];

        var objective = new Objective((theta, grad) => Evaluate(x, y, k, classWeight, totalWeight, options.C, mean, scale, theta, grad));
        var solver = new Lbfgs { MaxIterations = options.MaxIterations, GradientTolerance = options.Tolerance };
        if (start is not null && start.Length != k * d + k) throw new ArgumentException($"The start point has {start.Length} values but the probe has {k * d + k}.");
        var result = solver.Minimize(objective, start ?? new double[k * d + k]);
        solution = result.Solution;
        var (w, b) = Effective(result.Solution, k, d, mean, scale);
        return new LinearClassifier { Classes = classes, Dimension = d, Weights = w, Bias = b, Iterations = result.Iterations, Converged = result.Converged };
    }

    private static (double[] Mean, double[] Scale) Standardization(Matrix x, bool scaleToUnitVariance)
    {
        var mean = new double[x.Columns];
        var sq = new double[x.Columns];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < row.Length; j++) mean[j] += row[j];
        }
        for (var j = 0; j < mean.Length; j++) mean[j] /= x.Rows;
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < row.Length; j++) { var v = row[j] - mean[j]; sq[j] += v * v; }
        }
        // Constant features keep scale 1, as sklearn's StandardScaler does.
        var scale = sq.Select(s => scaleToUnitVariance && Math.Sqrt(s / x.Rows) is var sd && sd > 0 ? sd : 1.0).ToArray();
        return (mean, scale);
    }

    // θ = (Wz [k×d], b [k]) act on standardized z = (x−μ)/σ; raw-space weights are Wz/σ and b − Wz·(μ/σ).
    private static (float[] W, float[] B) Effective(ReadOnlySpan<double> theta, int k, int d, double[] mean, double[] scale)
    {
        var w = new float[k * d];
        var b = new float[k];
        for (var c = 0; c < k; c++)
        {
            var bias = theta[k * d + c];
            for (var j = 0; j < d; j++)
            {
                var wj = theta[c * d + j] / scale[j];
                w[c * d + j] = (float)wj;
                bias -= wj * mean[j];
            }
            b[c] = (float)bias;
        }
        return (w, b);
    }

    private static double Evaluate(Matrix x, int[] y, int k, double[] classWeight, double totalWeight, double cReg,
        double[] mean, double[] scale, ReadOnlySpan<double> theta, Span<double> grad)
    {
        var d = x.Columns;
        var w = new float[k * d];
        for (var i = 0; i < w.Length; i++) w[i] = (float)theta[i];
        var b = new float[k];
        for (var c = 0; c < k; c++) b[c] = (float)theta[k * d + c];
        var mu = mean.Select(v => (float)v).ToArray();
        var inv = scale.Select(v => (float)(1 / v)).ToArray();
        var gradW = new double[k * d];
        var gradB = new double[k];
        var loss = 0.0;
        var gate = new object();
        Parallel.For(0, (x.Rows + BlockRows - 1) / BlockRows,
            () => (G: new double[k * d], R: new double[k], Loss: new double[1], Block: new float[k * d],
                   Z: new float[BlockRows * k], Rows: new float[BlockRows * d]),
            (blk, _, local) =>
            {
                Array.Clear(local.Block);
                var start = blk * BlockRows;
                var rows = Math.Min(x.Rows, start + BlockRows) - start;
                var centered = local.Rows.AsSpan(0, rows * d);
                for (var r = 0; r < rows; r++)
                {
                    var row = centered.Slice(r * d, d);
                    TensorPrimitives.Subtract(x.Row(start + r), mu, row);
                    TensorPrimitives.Multiply(row, inv, row);
                }
                var logits = local.Z.AsSpan(0, rows * k);
                BlockKernels.Project(centered, rows, d, w, k, logits);
                for (var r = 0; r < rows; r++)
                {
                    var z = logits.Slice(r * k, k);
                    var label = y[start + r];
                    var max = float.NegativeInfinity;
                    for (var c = 0; c < k; c++) { z[c] += b[c]; max = Math.Max(max, z[c]); }
                    var sum = 0.0;
                    for (var c = 0; c < k; c++) sum += Math.Exp(z[c] - max);
                    var sw = classWeight[label];
                    local.Loss[0] += sw * (Math.Log(sum) + max - z[label]);
                    for (var c = 0; c < k; c++)
                    {
                        var residual = sw * (Math.Exp(z[c] - max) / sum - (c == label ? 1 : 0));
                        z[c] = (float)residual;
                        local.R[c] += residual;
                    }
                }
                BlockKernels.Accumulate(centered, rows, d, logits, k, local.Block);
                for (var j = 0; j < local.Block.Length; j++) local.G[j] += local.Block[j];
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (var j = 0; j < gradW.Length; j++) gradW[j] += local.G[j];
                    for (var c = 0; c < k; c++) gradB[c] += local.R[c];
                    loss += local.Loss[0];
                }
            });
        var penalty = 0.0;
        for (var j = 0; j < k * d; j++)
        {
            penalty += theta[j] * theta[j];
            grad[j] = (gradW[j] + theta[j] / cReg) / totalWeight;
        }
        for (var c = 0; c < k; c++) grad[k * d + c] = gradB[c] / totalWeight;
        return (loss + 0.5 / cReg * penalty) / totalWeight;
    }
}
