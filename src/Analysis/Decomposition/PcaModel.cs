using Analysis.Numerics;

namespace Analysis.Decomposition;

/// <summary>A fitted PCA: mean, principal axes (rows), and explained variance with sklearn's definitions (n−1 denominator).</summary>
public sealed record PcaModel
{
    /// <summary>Input width.</summary>
    public required int Dimension { get; init; }

    /// <summary>Rows the model was fitted on.</summary>
    public required long Samples { get; init; }

    /// <summary>Column means.</summary>
    public required double[] Mean { get; init; }

    /// <summary>Principal axes, components × dimension, row-major; each axis's largest-magnitude entry is positive.</summary>
    public required double[] Components { get; init; }

    /// <summary>Variance along each axis.</summary>
    public required double[] ExplainedVariance { get; init; }

    /// <summary>Share of total variance along each axis.</summary>
    public required double[] ExplainedVarianceRatio { get; init; }

    /// <summary>Number of components kept.</summary>
    public int Count => ExplainedVariance.Length;

    /// <summary>Coordinates of every row on the axes (rows × components).</summary>
    public Matrix Transform(Matrix x)
    {
        if (x.Columns != Dimension)
            throw new BadInputException($"PCA was fitted on {Dimension} columns but the data has {x.Columns}.");
        var k = Count;
        var w = Components.Select(v => (float)v).ToArray();
        var result = new Matrix(x.Rows, k);
        RowProducts.Project(x, w, k, result.Data);
        // Subtract the mean's projection once instead of centering every row.
        var offset = new float[k];
        for (var c = 0; c < k; c++)
        {
            var s = 0.0;
            for (var j = 0; j < Dimension; j++) s += Components[c * Dimension + j] * Mean[j];
            offset[c] = (float)s;
        }
        for (var i = 0; i < x.Rows; i++) System.Numerics.Tensors.TensorPrimitives.Subtract(result.Row(i), offset, result.Row(i));
        return result;
    }

    internal static void FlipSigns(double[] components, int k, int d)
    {
        for (var c = 0; c < k; c++)
        {
            var row = components.AsSpan(c * d, d);
            var best = 0;
            for (var j = 1; j < d; j++) if (Math.Abs(row[j]) > Math.Abs(row[best])) best = j;
            if (row[best] < 0) for (var j = 0; j < d; j++) row[j] = -row[j];
        }
    }
}
