namespace Analysis.Sae;

/// <summary>Weiszfeld's iteration for the geometric median of rows [rows × d] (SAELens's b_dec start option).</summary>
internal static class GeometricMedian
{
    public static float[] Of(float[] x, int rows, int d, int iterations = 50)
    {
        var y = new double[d];
        for (var i = 0; i < rows; i++) for (var t = 0; t < d; t++) y[t] += x[i * d + t] / (double)rows;
        for (var it = 0; it < iterations; it++)
        {
            var num = new double[d];
            var den = 0.0;
            for (var i = 0; i < rows; i++)
            {
                var dist = 0.0;
                for (var t = 0; t < d; t++) { var v = x[i * d + t] - y[t]; dist += v * v; }
                var w = 1 / Math.Max(Math.Sqrt(dist), 1e-8);
                den += w;
                for (var t = 0; t < d; t++) num[t] += w * x[i * d + t];
            }
            for (var t = 0; t < d; t++) y[t] = num[t] / den;
        }
        return y.Select(v => (float)v).ToArray();
    }
}
