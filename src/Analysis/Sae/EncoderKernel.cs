using System.Runtime.Intrinsics;

namespace Analysis.Sae;

/// <summary>
/// The one dense product of a step: Y[rows × m] = ReLU(X[rows × d] · Wᵀ + b), W [m × d] (one row per latent).
/// Tiles of 48 rows × 96 latents stay in L2; inside a tile a 3-row × 4-latent register kernel does 12 FMA chains.
/// Every output is one dot product in a fixed order, so results do not depend on the number of threads.
/// </summary>
internal static unsafe class EncoderKernel
{
    private const int RowTile = 48, LatentTile = 96;

    public static void Forward(float[] x, int rows, int d, float[] w, float[] b, int m, float[] y)
    {
        var rowTiles = (rows + RowTile - 1) / RowTile;
        var latentTiles = (m + LatentTile - 1) / LatentTile;
        ParallelWork.For(rowTiles * latentTiles, (long)RowTile * LatentTile * d, t =>
        {
            // Latent tile outer: consecutive tasks share a tile of W.
            var lt = t / rowTiles; var rt = t % rowTiles;
            int r0 = rt * RowTile, r1 = Math.Min(rows, r0 + RowTile), c0 = lt * LatentTile, c1 = Math.Min(m, c0 + LatentTile);
            fixed (float* px = x, pw = w, pb = b, py = y) Tile(px, d, pw, pb, m, py, r0, r1, c0, c1);
        });
    }

    private static void Tile(float* x, int d, float* w, float* b, int m, float* y, int r0, int r1, int c0, int c1)
    {
        var i = r0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 3 <= r1; i += 3)
            {
                var c = c0;
                for (; c + 4 <= c1; c += 4) Kernel3x4(x + (long)i * d, d, w + (long)c * d, b + c, y + (long)i * m + c, m);
                for (; c < c1; c++)
                    for (var r = 0; r < 3; r++) y[(long)(i + r) * m + c] = Relu(Dot(x + (long)(i + r) * d, w + (long)c * d, d) + b[c]);
            }
        for (; i < r1; i++)
            for (var c = c0; c < c1; c++) y[(long)i * m + c] = Relu(Dot(x + (long)i * d, w + (long)c * d, d) + b[c]);
    }

    private static float Relu(float v) => v > 0 ? v : 0;

    private static void Kernel3x4(float* x, int d, float* w, float* b, float* y, int m)
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
        y[0] = Relu(s00 + b[0]); y[1] = Relu(s01 + b[1]); y[2] = Relu(s02 + b[2]); y[3] = Relu(s03 + b[3]);
        y[m] = Relu(s10 + b[0]); y[m + 1] = Relu(s11 + b[1]); y[m + 2] = Relu(s12 + b[2]); y[m + 3] = Relu(s13 + b[3]);
        y[2 * m] = Relu(s20 + b[0]); y[2 * m + 1] = Relu(s21 + b[1]); y[2 * m + 2] = Relu(s22 + b[2]); y[2 * m + 3] = Relu(s23 + b[3]);
    }

    // The same summation as the register kernel (8 lanes, then the tail), so edge rows equal interior ones bit for bit.
    private static float Dot(float* a, float* w, int d)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            var s = 0f;
            for (var k = 0; k < d; k++) s += a[k] * w[k];
            return s;
        }
        Vector256<float> acc = default;
        var j = 0;
        for (; j + 8 <= d; j += 8) acc = Vector256.FusedMultiplyAdd(Vector256.Load(a + j), Vector256.Load(w + j), acc);
        var sum = Vector256.Sum(acc);
        for (; j < d; j++) sum += a[j] * w[j];
        return sum;
    }
}
