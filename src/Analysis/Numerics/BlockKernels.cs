using System.Runtime.Intrinsics;

namespace Analysis.Numerics;

/// <summary>
/// Register-blocked products on a block of rows (row-major, contiguous): the inner loops of every linear model here.
/// Project: Y[rows×k] = X·Wᵀ with a 3-row × 4-direction kernel; Accumulate: G[k×d] += Rᵀ·X with a 4-direction × 16-column kernel.
/// </summary>
internal static unsafe class BlockKernels
{
    public static void Project(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> w, int k, Span<float> y)
    {
        fixed (float* px = x, pw = w, py = y)
        {
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; i + 3 <= rows; i += 3)
                {
                    var c = 0;
                    for (; c + 4 <= k; c += 4) Project3x4(px + i * d, d, pw + c * d, py + i * k + c, k);
                    for (; c < k; c++)
                        for (var r = 0; r < 3; r++) py[(i + r) * k + c] = Dot(px + (i + r) * d, pw + c * d, d);
                }
            for (; i < rows; i++)
                for (var c = 0; c < k; c++) py[i * k + c] = Dot(px + i * d, pw + c * d, d);
        }
    }

    public static void Accumulate(ReadOnlySpan<float> x, int rows, int d, ReadOnlySpan<float> r, int k, Span<float> g)
    {
        fixed (float* px = x, pr = r, pg = g)
        {
            var c = 0;
            var vectorCols = Vector256.IsHardwareAccelerated ? d / 16 * 16 : 0;
            for (; c + 4 <= k; c += 4)
                for (var j = 0; j < vectorCols; j += 16) Accumulate4x16(px + j, d, rows, pr + c, k, pg + c * d + j, d);
            // Directions past the last group of four: vectorized axpy per row.
            for (var cc = c; cc < k; cc++)
            {
                var gc = new Span<float>(pg + cc * d, d);
                for (var i = 0; i < rows; i++)
                {
                    var coef = pr[i * k + cc];
                    if (coef != 0) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(px + i * d, d), coef, gc, gc);
                }
            }
            // Columns past the last full 16 for the grouped directions.
            for (var cc = 0; cc < c && vectorCols < d; cc++)
                for (var i = 0; i < rows; i++)
                {
                    var coef = pr[i * k + cc];
                    var xi = px + i * d;
                    var gc = pg + cc * d;
                    for (var j = vectorCols; j < d; j++) gc[j] += coef * xi[j];
                }
        }
    }

    private static void Project3x4(float* x, int d, float* w, float* y, int k)
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default,
            a10 = default, a11 = default, a12 = default, a13 = default,
            a20 = default, a21 = default, a22 = default, a23 = default;
        float* x1 = x + d, x2 = x + 2 * d;
        float* w1 = w + d, w2 = w + 2 * d, w3 = w + 3 * d;
        var j = 0;
        for (; j + 8 <= d; j += 8)
        {
            var v0 = Vector256.Load(x + j); var v1 = Vector256.Load(x1 + j); var v2 = Vector256.Load(x2 + j);
            var u = Vector256.Load(w + j);
            a00 = Vector256.FusedMultiplyAdd(v0, u, a00); a10 = Vector256.FusedMultiplyAdd(v1, u, a10); a20 = Vector256.FusedMultiplyAdd(v2, u, a20);
            u = Vector256.Load(w1 + j);
            a01 = Vector256.FusedMultiplyAdd(v0, u, a01); a11 = Vector256.FusedMultiplyAdd(v1, u, a11); a21 = Vector256.FusedMultiplyAdd(v2, u, a21);
            u = Vector256.Load(w2 + j);
            a02 = Vector256.FusedMultiplyAdd(v0, u, a02); a12 = Vector256.FusedMultiplyAdd(v1, u, a12); a22 = Vector256.FusedMultiplyAdd(v2, u, a22);
            u = Vector256.Load(w3 + j);
            a03 = Vector256.FusedMultiplyAdd(v0, u, a03); a13 = Vector256.FusedMultiplyAdd(v1, u, a13); a23 = Vector256.FusedMultiplyAdd(v2, u, a23);
        }
        float s00 = Vector256.Sum(a00), s01 = Vector256.Sum(a01), s02 = Vector256.Sum(a02), s03 = Vector256.Sum(a03);
        float s10 = Vector256.Sum(a10), s11 = Vector256.Sum(a11), s12 = Vector256.Sum(a12), s13 = Vector256.Sum(a13);
        float s20 = Vector256.Sum(a20), s21 = Vector256.Sum(a21), s22 = Vector256.Sum(a22), s23 = Vector256.Sum(a23);
        for (; j < d; j++)
        {
            s00 += x[j] * w[j]; s01 += x[j] * w1[j]; s02 += x[j] * w2[j]; s03 += x[j] * w3[j];
            s10 += x1[j] * w[j]; s11 += x1[j] * w1[j]; s12 += x1[j] * w2[j]; s13 += x1[j] * w3[j];
            s20 += x2[j] * w[j]; s21 += x2[j] * w1[j]; s22 += x2[j] * w2[j]; s23 += x2[j] * w3[j];
        }
        y[0] = s00; y[1] = s01; y[2] = s02; y[3] = s03;
        y[k] = s10; y[k + 1] = s11; y[k + 2] = s12; y[k + 3] = s13;
        y[2 * k] = s20; y[2 * k + 1] = s21; y[2 * k + 2] = s22; y[2 * k + 3] = s23;
    }

    // g[c, 0..15] += Σ_i r[i, c] · x[i, 0..15] for four directions c; x and g point at column j.
    private static void Accumulate4x16(float* x, int d, int rows, float* r, int k, float* g, int gStride)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default,
            a20 = default, a21 = default, a30 = default, a31 = default;
        for (var i = 0; i < rows; i++)
        {
            var v0 = Vector256.Load(x); var v1 = Vector256.Load(x + 8);
            var c = Vector256.Create(r[0]);
            a00 = Vector256.FusedMultiplyAdd(c, v0, a00); a01 = Vector256.FusedMultiplyAdd(c, v1, a01);
            c = Vector256.Create(r[1]);
            a10 = Vector256.FusedMultiplyAdd(c, v0, a10); a11 = Vector256.FusedMultiplyAdd(c, v1, a11);
            c = Vector256.Create(r[2]);
            a20 = Vector256.FusedMultiplyAdd(c, v0, a20); a21 = Vector256.FusedMultiplyAdd(c, v1, a21);
            c = Vector256.Create(r[3]);
            a30 = Vector256.FusedMultiplyAdd(c, v0, a30); a31 = Vector256.FusedMultiplyAdd(c, v1, a31);
            x += d;
            r += k;
        }
        (Vector256.Load(g) + a00).Store(g); (Vector256.Load(g + 8) + a01).Store(g + 8);
        g += gStride;
        (Vector256.Load(g) + a10).Store(g); (Vector256.Load(g + 8) + a11).Store(g + 8);
        g += gStride;
        (Vector256.Load(g) + a20).Store(g); (Vector256.Load(g + 8) + a21).Store(g + 8);
        g += gStride;
        (Vector256.Load(g) + a30).Store(g); (Vector256.Load(g + 8) + a31).Store(g + 8);
    }

    private static float Dot(float* a, float* b, int d) =>
        System.Numerics.Tensors.TensorPrimitives.Dot(new ReadOnlySpan<float>(a, d), new ReadOnlySpan<float>(b, d));
}
