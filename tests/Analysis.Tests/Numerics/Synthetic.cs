using Analysis.Numerics;

namespace Analysis.Tests.Numerics;

/// <summary>Seeded synthetic data for tests.</summary>
internal static class Synthetic
{
    public static Matrix Gaussian(int rows, int cols, int seed, double scale = 1, double shift = 0)
    {
        var rng = new Random(seed);
        var m = new Matrix(rows, cols);
        for (var i = 0; i < m.Data.Length; i++) m.Data[i] = (float)(shift + scale * Normal(rng));
        return m;
    }

    public static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Orthonormal rows (count × dim) by Gram–Schmidt of Gaussian vectors.</summary>
    public static double[][] OrthonormalDirections(int count, int dim, int seed)
    {
        var rng = new Random(seed);
        var dirs = new double[count][];
        for (var c = 0; c < count; c++)
        {
            var v = Enumerable.Range(0, dim).Select(_ => Normal(rng)).ToArray();
            for (var p = 0; p < c; p++)
            {
                var dot = v.Zip(dirs[p], (a, b) => a * b).Sum();
                for (var j = 0; j < dim; j++) v[j] -= dot * dirs[p][j];
            }
            var norm = Math.Sqrt(v.Sum(a => a * a));
            dirs[c] = v.Select(a => a / norm).ToArray();
        }
        return dirs;
    }
}
