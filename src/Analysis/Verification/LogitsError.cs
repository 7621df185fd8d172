using System.Numerics.Tensors;

namespace Analysis.Verification;

/// <summary>The distance between a runtime's logits and the reference logits.</summary>
/// <param name="MaxAbsolute">max |actual − expected|.</param>
/// <param name="MaxRelative"><paramref name="MaxAbsolute"/> divided by max |expected| (0 when the reference is all zeros and so is the error).</param>
/// <param name="WorstIndex">Flat index of the element with the largest absolute error.</param>
public readonly record struct LogitsError(double MaxAbsolute, double MaxRelative, long WorstIndex)
{
    /// <summary>Measures <paramref name="actual"/> against <paramref name="expected"/> (same length). NaN in either counts as infinite error.</summary>
    public static LogitsError Measure(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"Cannot compare {actual.Length} logits with {expected.Length} reference logits; the shapes differ.");
        double maxAbs = 0;
        long worst = -1;
        for (var i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > maxAbs || worst < 0) { maxAbs = d; worst = i; }
        }
        double scale = expected.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude(expected);
        if (float.IsNaN((float)scale)) scale = double.PositiveInfinity;
        double rel = maxAbs == 0 ? 0 : scale == 0 ? double.PositiveInfinity : maxAbs / Math.Abs(scale);
        return new LogitsError(maxAbs, rel, worst);
    }
}
