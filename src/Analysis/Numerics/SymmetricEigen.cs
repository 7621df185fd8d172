namespace Analysis.Numerics;

/// <summary>Eigen-decomposition of a symmetric matrix, eigenvalues in descending order.</summary>
public static class SymmetricEigen
{
    /// <summary>Returns eigenvalues (descending) and the matching unit eigenvectors as rows (n × n, row-major).</summary>
    public static (double[] Values, double[] Vectors) Decompose(double[] symmetric, int n)
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => symmetric[(long)i * n + j]);
        var evd = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var values = new double[n];
        var vectors = new double[(long)n * n];
        var ev = evd.EigenVectors;
        // MathNet returns ascending order; flip to descending, eigenvectors become rows.
        for (var k = 0; k < n; k++)
        {
            var src = n - 1 - k;
            values[k] = evd.EigenValues[src].Real;
            for (var i = 0; i < n; i++) vectors[(long)k * n + i] = ev[i, src];
        }
        return (values, vectors);
    }
}
