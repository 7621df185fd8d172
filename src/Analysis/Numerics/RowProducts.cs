namespace Analysis.Numerics;

/// <summary>
/// The two products every linear model needs on tall data: Y = X·Wᵀ (project rows on a few directions)
/// and G = Rᵀ·X (accumulate per-row coefficients back into directions). W and G are k × d, row-major.
/// </summary>
public static class RowProducts
{
    private const int BlockRows = 256;

    /// <summary>Writes result[i, c] = x_i · w_c for every row (result is rows × k, row-major).</summary>
    public static void Project(Matrix x, ReadOnlySpan<float> w, int k, Span<float> result)
    {
        if (w.Length != k * x.Columns) throw new ArgumentException("Direction matrix must be k × columns.", nameof(w));
        if (result.Length != x.Rows * k) throw new ArgumentException("Result must be rows × k.", nameof(result));
        var wArr = w.ToArray();
        var res = new float[result.Length];
        var d = x.Columns;
        Parallel.For(0, (x.Rows + BlockRows - 1) / BlockRows, b =>
        {
            var start = b * BlockRows;
            var rows = Math.Min(x.Rows, start + BlockRows) - start;
            BlockKernels.Project(x.Data.AsSpan(start * d, rows * d), rows, d, wArr, k, res.AsSpan(start * k, rows * k));
        });
        res.CopyTo(result);
    }

    /// <summary>Returns G = Rᵀ·X (k × d, double) where R is rows × k; summed in float per block, double overall.</summary>
    public static double[] TransposeMultiply(Matrix x, ReadOnlySpan<float> r, int k)
    {
        if (r.Length != x.Rows * k) throw new ArgumentException("Coefficients must be rows × k.", nameof(r));
        var rArr = r.ToArray();
        var d = x.Columns;
        var total = new double[k * d];
        var gate = new object();
        Parallel.For(0, (x.Rows + BlockRows - 1) / BlockRows,
            () => new double[k * d],
            (b, _, local) =>
            {
                var block = new float[k * d];
                var start = b * BlockRows;
                var rows = Math.Min(x.Rows, start + BlockRows) - start;
                BlockKernels.Accumulate(x.Data.AsSpan(start * d, rows * d), rows, d, rArr.AsSpan(start * k, rows * k), k, block);
                for (var j = 0; j < block.Length; j++) local[j] += block[j];
                return local;
            },
            local => { lock (gate) for (var j = 0; j < total.Length; j++) total[j] += local[j]; });
        return total;
    }
}
