using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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

    /// <summary>result[c] = x · w_c for the k rows of w (k × d): four directions per pass over x.</summary>
    public static void DotMany(ReadOnlySpan<float> x, ReadOnlySpan<float> w, Span<float> result)
    {
        var d = x.Length;
        var k = result.Length;
        var c = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; c + 4 <= k; c += 4)
            {
                var w0 = w.Slice(c * d, d); var w1 = w.Slice((c + 1) * d, d);
                var w2 = w.Slice((c + 2) * d, d); var w3 = w.Slice((c + 3) * d, d);
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                var j = 0;
                for (; j + 8 <= d; j += 8)
                {
                    var xv = Vector256.Create(x.Slice(j, 8));
                    s0 = Vector256.FusedMultiplyAdd(Vector256.Create(w0.Slice(j, 8)), xv, s0);
                    s1 = Vector256.FusedMultiplyAdd(Vector256.Create(w1.Slice(j, 8)), xv, s1);
                    s2 = Vector256.FusedMultiplyAdd(Vector256.Create(w2.Slice(j, 8)), xv, s2);
                    s3 = Vector256.FusedMultiplyAdd(Vector256.Create(w3.Slice(j, 8)), xv, s3);
                }
                float t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1), t2 = Vector256.Sum(s2), t3 = Vector256.Sum(s3);
                for (; j < d; j++) { t0 += w0[j] * x[j]; t1 += w1[j] * x[j]; t2 += w2[j] * x[j]; t3 += w3[j] * x[j]; }
                result[c] = t0; result[c + 1] = t1; result[c + 2] = t2; result[c + 3] = t3;
            }
        for (; c < k; c++) result[c] = TensorPrimitives.Dot(x, w.Slice(c * d, d));
    }

    /// <summary>g_c += coefficients[c] · x for the k rows of g (k × d).</summary>
    public static void AxpyMany(ReadOnlySpan<float> x, ReadOnlySpan<float> coefficients, Span<float> g)
    {
        var d = x.Length;
        for (var c = 0; c < coefficients.Length; c++)
        {
            if (coefficients[c] == 0f) continue;
            var gc = g.Slice(c * d, d);
            TensorPrimitives.MultiplyAdd(x, coefficients[c], gc, gc);
        }
    }
}
