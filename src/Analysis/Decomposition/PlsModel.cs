using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>
/// A fitted PLS regression (sklearn's PLSRegression, scale=True): weights W, loadings P and Q; predictions with the
/// first a components use coef = W(PᵀW)⁻¹Qᵀ on standardized inputs, so any prefix of components is available.
/// </summary>
public sealed record PlsModel
{
    /// <summary>Input width.</summary>
    public required int Dimension { get; init; }

    /// <summary>Number of targets.</summary>
    public required int Targets { get; init; }

    /// <summary>Components fitted.</summary>
    public required int Components { get; init; }

    /// <summary>Input means and standard deviations (ddof 1).</summary>
    public required double[] XMean { get; init; }

    /// <inheritdoc cref="XMean"/>
    public required double[] XStd { get; init; }

    /// <summary>Target means and standard deviations (ddof 1).</summary>
    public required double[] YMean { get; init; }

    /// <inheritdoc cref="YMean"/>
    public required double[] YStd { get; init; }

    /// <summary>X weights, components × dimension.</summary>
    public required double[] XWeights { get; init; }

    /// <summary>X loadings, components × dimension.</summary>
    public required double[] XLoadings { get; init; }

    /// <summary>Y loadings, components × targets.</summary>
    public required double[] YLoadings { get; init; }

    /// <summary>Training-row scores on the components (rows × components).</summary>
    public required double[] XScores { get; init; }

    /// <summary>Raw-space coefficients (targets × dimension) and intercepts for the first a components.</summary>
    public (double[] Coefficients, double[] Intercept) Coefficients(int a)
    {
        if (a < 1 || a > Components) throw new BadInputException($"Asked for {a} components but the model has {Components}.");
        var d = Dimension;
        // M = PᵀW (a × a); rotations R = W M⁻¹ (in component-major layout: R_c = Σ_k (M⁻¹)_{k c} W_k).
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(a, a, (i, j) =>
            System.Numerics.Tensors.TensorPrimitives.Dot(XLoadings.AsSpan(i * d, d), XWeights.AsSpan(j * d, d)));
        var inv = m.PseudoInverse();
        var coef = new double[Targets * d];
        var intercept = (double[])YMean.Clone();
        for (var t = 0; t < Targets; t++)
            for (var c = 0; c < a; c++)
            {
                // coef_t = Σ_c q_{c t} R_c, with R_c = Σ_k W_k inv[k, c]
                var q = YLoadings[c * Targets + t];
                for (var k = 0; k < a; k++)
                {
                    var s = q * inv[k, c];
                    for (var j = 0; j < d; j++) coef[t * d + j] += s * XWeights[k * d + j];
                }
            }
        for (var t = 0; t < Targets; t++)
            for (var j = 0; j < d; j++)
            {
                coef[t * d + j] *= YStd[t] / XStd[j];
                intercept[t] -= coef[t * d + j] * XMean[j];
            }
        return (coef, intercept);
    }

    /// <summary>Predictions (rows × targets) with the first a components (all when omitted).</summary>
    public double[] Predict(Matrix x, int? a = null)
    {
        if (x.Columns != Dimension) throw new BadInputException($"PLS was fitted on {Dimension} columns but the data has {x.Columns}.");
        var (coef, intercept) = Coefficients(a ?? Components);
        var p = new float[x.Rows * Targets];
        RowProducts.Project(x, coef.Select(v => (float)v).ToArray(), Targets, p);
        var result = new double[p.Length];
        for (var i = 0; i < p.Length; i++) result[i] = p[i] + intercept[i % Targets];
        return result;
    }
}
