using Analysis.Verification;

namespace Analysis.Tests.Verification;

public class LogitsErrorTests
{
    [Fact]
    public void MeasuresLargestAbsoluteErrorAndScalesItByTheLargestReferenceMagnitude()
    {
        // |diffs| = 0, 0.5, 1, 0.25; largest |expected| = 4.
        var e = LogitsError.Measure([1f, 2f, 3f, -4.25f], [1f, 2.5f, 2f, -4f]);
        Assert.Equal(1.0, e.MaxAbsolute, 6);
        Assert.Equal(0.25, e.MaxRelative, 6);
        Assert.Equal(2, e.WorstIndex);
    }

    [Fact]
    public void IdenticalLogitsHaveZeroError()
    {
        var e = LogitsError.Measure([0f, -7f], [0f, -7f]);
        Assert.Equal(0, e.MaxAbsolute);
        Assert.Equal(0, e.MaxRelative);
    }

    [Fact]
    public void NaNIsAnInfiniteError()
    {
        var e = LogitsError.Measure([1f, float.NaN], [1f, 2f]);
        Assert.True(double.IsPositiveInfinity(e.MaxAbsolute));
        Assert.False(new Tolerance(1e-4, 1).Admits(e));
    }

    [Fact]
    public void DifferentLengthsAreRejected() =>
        Assert.Throws<ArgumentException>(() => LogitsError.Measure([1f], [1f, 2f]));
}
