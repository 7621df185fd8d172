using System.Text.Json.Serialization;
using Analysis.Numerics;

namespace Analysis.Probing;

/// <summary>A trained linear probe: logits = W·x + b over raw (unstandardized) activations; standardization is folded in.</summary>
public sealed record LinearClassifier
{
    /// <summary>Class names, index = class id.</summary>
    public required string[] Classes { get; init; }

    /// <summary>Input width.</summary>
    public required int Dimension { get; init; }

    /// <summary>Weights, classes × dimension, row-major.</summary>
    public required float[] Weights { get; init; }

    /// <summary>Per-class bias.</summary>
    public required float[] Bias { get; init; }

    /// <summary>L-BFGS iterations the fit took.</summary>
    public int Iterations { get; init; }

    /// <summary>Whether the fit met its tolerance (false: stopped at the iteration limit or a failed line search).</summary>
    public bool Converged { get; init; }

    /// <summary>Logits for every row (rows × classes, row-major).</summary>
    public float[] Logits(Matrix x)
    {
        if (x.Columns != Dimension)
            throw new BadInputException($"The probe expects {Dimension}-dimensional activations but the data has {x.Columns} columns; apply it to the same hook it was trained on.");
        var k = Classes.Length;
        var logits = new float[x.Rows * k];
        RowProducts.Project(x, Weights, k, logits);
        for (var i = 0; i < x.Rows; i++)
            System.Numerics.Tensors.TensorPrimitives.Add(logits.AsSpan(i * k, k), Bias, logits.AsSpan(i * k, k));
        return logits;
    }

    /// <summary>Class probabilities for every row (rows × classes, row-major).</summary>
    public float[] Probabilities(Matrix x)
    {
        var p = Logits(x);
        var k = Classes.Length;
        for (var i = 0; i < x.Rows; i++) Softmax.InPlace(p.AsSpan(i * k, k));
        return p;
    }

    /// <summary>The most likely class id for every row.</summary>
    public int[] Predict(Matrix x)
    {
        var logits = Logits(x);
        var k = Classes.Length;
        var y = new int[x.Rows];
        for (var i = 0; i < y.Length; i++) y[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(i * k, k));
        return y;
    }
}

/// <summary>Numerically stable softmax and log-sum-exp.</summary>
internal static class Softmax
{
    public static void InPlace(Span<float> z)
    {
        var max = System.Numerics.Tensors.TensorPrimitives.Max(z);
        var sum = 0.0;
        for (var c = 0; c < z.Length; c++) { z[c] = MathF.Exp(z[c] - max); sum += z[c]; }
        var inv = (float)(1 / sum);
        for (var c = 0; c < z.Length; c++) z[c] *= inv;
    }
}
