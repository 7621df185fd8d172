using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>Principal component analysis: exact (streamed scatter matrix + symmetric eigendecomposition) or randomized (Halko et al.).</summary>
public static class Pca
{
    /// <summary>Exact PCA of an in-memory matrix.</summary>
    public static PcaModel Fit(Matrix x, int components) => Fit([x], components);

    /// <summary>
    /// Exact PCA over chunks streamed once (e.g. Parquet row groups), for data larger than memory:
    /// only the dim × dim scatter matrix is kept.
    /// </summary>
    public static PcaModel Fit(IEnumerable<Matrix> chunks, int components)
    {
        ScatterAccumulator? acc = null;
        foreach (var chunk in chunks)
        {
            chunk.EnsureFinite("The PCA input");
            acc ??= new ScatterAccumulator(chunk.Columns);
            acc.Add(chunk);
        }
        if (acc is null || acc.Count < 2) throw new BadInputException("PCA needs at least two rows.");
        var d = acc.Dimension;
        CheckComponents(components, d, acc.Count);
        var (values, vectors) = SymmetricEigen.Decompose(acc.Scatter(), d);
        var total = values.Sum(v => Math.Max(v, 0));
        var comps = vectors.AsSpan(0, components * d).ToArray();
        PcaModel.FlipSigns(comps, components, d);
        return new PcaModel
        {
            Dimension = d, Samples = acc.Count, Mean = acc.Mean(), Components = comps,
            ExplainedVariance = values.Take(components).Select(v => Math.Max(v, 0) / (acc.Count - 1)).ToArray(),
            ExplainedVarianceRatio = values.Take(components).Select(v => Math.Max(v, 0) / total).ToArray(),
        };
    }

    /// <summary>Randomized PCA (range finder with power iterations, then a small exact problem); cheap when components ≪ dimension.</summary>
    public static PcaModel FitRandomized(Matrix x, int components, int seed = 0, int oversamples = 10, int powerIterations = 7)
    {
        x.EnsureFinite("The PCA input");
        var (n, d) = (x.Rows, x.Columns);
        CheckComponents(components, d, n);
        var l = Math.Min(components + oversamples, Math.Min(n, d));
        var mean = ScatterAccumulator.ColumnMeans(x);
        var rng = new Random(seed);
        var omega = new float[l * d];
        for (var i = 0; i < omega.Length; i++) omega[i] = (float)Gaussian(rng);

        var q = CenteredProject(x, omega, l, mean);           // n × l
        Orthonormalize(q, n, l);
        for (var it = 0; it < powerIterations; it++)
        {
            var z = CenteredTransposeMultiply(x, q, l, mean);   // l × d
            var zf = z.Select(v => (float)v).ToArray();
            OrthonormalizeRows(zf, l, d);
            q = CenteredProject(x, zf, l, mean);
            Orthonormalize(q, n, l);
        }
        var b = CenteredTransposeMultiply(x, q, l, mean);       // B = Qᵀ Xc, l × d
        // B Bᵀ = U S² Uᵀ; the axes are the rows of Uᵀ B / S.
        var bbt = new double[l * l];
        for (var i = 0; i < l; i++)
            for (var j = i; j < l; j++)
                bbt[i * l + j] = bbt[j * l + i] = System.Numerics.Tensors.TensorPrimitives.Dot(b.AsSpan(i * d, d), b.AsSpan(j * d, d));
        var (values, u) = SymmetricEigen.Decompose(bbt, l);
        var comps = new double[components * d];
        for (var c = 0; c < components; c++)
        {
            var s = Math.Sqrt(Math.Max(values[c], 1e-300));
            for (var i = 0; i < l; i++)
            {
                var coef = u[c * l + i] / s;
                for (var j = 0; j < d; j++) comps[c * d + j] += coef * b[i * d + j];
            }
        }
        PcaModel.FlipSigns(comps, components, d);
        var total = TotalVariance(x, mean);
        return new PcaModel
        {
            Dimension = d, Samples = n, Mean = mean.Select(v => (double)v).ToArray(), Components = comps,
            ExplainedVariance = values.Take(components).Select(v => Math.Max(v, 0) / (n - 1)).ToArray(),
            ExplainedVarianceRatio = values.Take(components).Select(v => Math.Max(v, 0) / total).ToArray(),
        };
    }

    private static void CheckComponents(int components, int d, long n)
    {
        if (components < 1 || components > Math.Min(d, n))
            throw new BadInputException($"Asked for {components} components but at most min(rows, columns) = {Math.Min(d, n)} exist.");
    }

    private static float[] CenteredProject(Matrix x, float[] w, int l, float[] mean)
    {
        var result = new float[x.Rows * l];
        RowProducts.Project(x, w, l, result);
        var offset = new float[l];
        for (var c = 0; c < l; c++) offset[c] = System.Numerics.Tensors.TensorPrimitives.Dot(w.AsSpan(c * x.Columns, x.Columns), mean);
        for (var i = 0; i < x.Rows; i++) System.Numerics.Tensors.TensorPrimitives.Subtract(result.AsSpan(i * l, l), offset, result.AsSpan(i * l, l));
        return result;
    }

    private static double[] CenteredTransposeMultiply(Matrix x, float[] r, int l, float[] mean)
    {
        var g = RowProducts.TransposeMultiply(x, r, l);
        var d = x.Columns;
        for (var c = 0; c < l; c++)
        {
            var sum = 0.0;
            for (var i = 0; i < x.Rows; i++) sum += r[i * l + c];
            for (var j = 0; j < d; j++) g[c * d + j] -= sum * mean[j];
        }
        return g;
    }

    private static double TotalVariance(Matrix x, float[] mean)
    {
        var sums = new double[x.Columns];
        for (var i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            for (var j = 0; j < row.Length; j++) { var v = row[j] - mean[j]; sums[j] += v * v; }
        }
        return sums.Sum();
    }

    // Modified Gram–Schmidt on the l columns of a row-major n × l matrix (computed in double, stored back in float).
    private static void Orthonormalize(float[] a, int n, int l)
    {
        var cols = new double[l][];
        for (var c = 0; c < l; c++) { cols[c] = new double[n]; for (var i = 0; i < n; i++) cols[c][i] = a[i * l + c]; }
        OrthonormalizeVectors(cols);
        for (var c = 0; c < l; c++) for (var i = 0; i < n; i++) a[i * l + c] = (float)cols[c][i];
    }

    private static void OrthonormalizeRows(float[] a, int l, int d)
    {
        var rows = new double[l][];
        for (var c = 0; c < l; c++) rows[c] = a.AsSpan(c * d, d).ToArray().Select(v => (double)v).ToArray();
        OrthonormalizeVectors(rows);
        for (var c = 0; c < l; c++) for (var j = 0; j < d; j++) a[c * d + j] = (float)rows[c][j];
    }

    private static void OrthonormalizeVectors(double[][] v)
    {
        for (var pass = 0; pass < 2; pass++) // twice is enough (Kahan–Parlett)
            for (var c = 0; c < v.Length; c++)
            {
                for (var p = 0; p < c; p++)
                {
                    var dot = System.Numerics.Tensors.TensorPrimitives.Dot(v[c], v[p]);
                    for (var i = 0; i < v[c].Length; i++) v[c][i] -= dot * v[p][i];
                }
                var norm = Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(v[c], v[c]));
                if (norm > 0) for (var i = 0; i < v[c].Length; i++) v[c][i] /= norm;
            }
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
