namespace Analysis.Numerics;

/// <summary>Solves symmetric positive-definite systems A·X = B by Cholesky factorization (A = L·Lᵀ), in double.</summary>
public static class Cholesky
{
    /// <summary>Solves A·X = B for X (B is n × m row-major, overwritten with X); A (n × n) is overwritten by L.</summary>
    public static void SolveInPlace(double[] a, int n, double[] b, int m)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = j * n;
            var diag = a[rowJ + j];
            for (var k = 0; k < j; k++) diag -= a[rowJ + k] * a[rowJ + k];
            if (diag <= 0 || !double.IsFinite(diag))
                throw new BadInputException($"The matrix is not positive definite (pivot {j}); increase the regularization (alpha).");
            var ljj = Math.Sqrt(diag);
            a[rowJ + j] = ljj;
            System.Threading.Tasks.Parallel.For(j + 1, n, i =>
            {
                var rowI = i * n;
                var v = a[rowI + j] - Dot(a.AsSpan(rowI, j), a.AsSpan(rowJ, j));
                a[rowI + j] = v / ljj;
            });
        }
        for (var c = 0; c < m; c++)
        {
            // Forward then backward substitution, one right-hand side column at a time.
            for (var i = 0; i < n; i++)
            {
                var v = b[i * m + c];
                for (var k = 0; k < i; k++) v -= a[i * n + k] * b[k * m + c];
                b[i * m + c] = v / a[i * n + i];
            }
            for (var i = n - 1; i >= 0; i--)
            {
                var v = b[i * m + c];
                for (var k = i + 1; k < n; k++) v -= a[k * n + i] * b[k * m + c];
                b[i * m + c] = v / a[i * n + i];
            }
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
}
