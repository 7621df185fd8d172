namespace Analysis.Sae;

/// <summary>
/// Adam on one tensor, written as PyTorch's single-tensor Adam computes it (moments in float, bias corrections in
/// double), so that the torch oracle agrees to float rounding. Dense: moments of latents without gradient still decay.
/// </summary>
internal static class Adam
{
    private const int Chunk = 1 << 14;

    public static void Update(float[] p, float[] g, float[] m, float[] v, double lr, long step, AdamSettings s)
    {
        var bc1 = 1 - Math.Pow(s.Beta1, step);
        var bc2Sqrt = Math.Sqrt(1 - Math.Pow(s.Beta2, step));
        float stepSize = (float)(lr / bc1), inv = (float)bc2Sqrt, b1 = s.Beta1, b2 = s.Beta2, c1 = 1 - s.Beta1, c2 = 1 - s.Beta2, eps = s.Epsilon;
        ParallelWork.For((p.Length + Chunk - 1) / Chunk, Chunk * 8L, c =>
        {
            for (int i = c * Chunk, end = Math.Min(p.Length, i + Chunk); i < end; i++)
            {
                var gi = g[i];
                var mi = m[i] * b1 + c1 * gi;
                var vi = v[i] * b2 + c2 * gi * gi;
                m[i] = mi; v[i] = vi;
                p[i] -= stepSize * (mi / (MathF.Sqrt(vi) / inv + eps));
            }
        });
    }
}
