using Analysis.Numerics;

namespace Analysis.Tests.Numerics;

public class ScatterAccumulatorTests
{
    [Theory]
    [InlineData(1100, 37)]   // width not a multiple of the 16-column panel
    [InlineData(700, 64)]
    public void Matches_naive_double_computation_over_chunks(int rows, int cols)
    {
        var x = Synthetic.Gaussian(rows, cols, seed: 3, scale: 2, shift: 5);
        var acc = new ScatterAccumulator(cols);
        // Uneven chunks, including one larger than the internal block size.
        acc.Add(x.SelectRows(Enumerable.Range(0, 100).ToArray()));
        acc.Add(x.SelectRows(Enumerable.Range(100, 600).ToArray()));
        acc.Add(x.SelectRows(Enumerable.Range(700, rows - 700).ToArray()));

        var mean = new double[cols];
        for (var i = 0; i < rows; i++) for (var j = 0; j < cols; j++) mean[j] += x[i, j];
        for (var j = 0; j < cols; j++) mean[j] /= rows;
        var scatter = acc.Scatter();
        Assert.Equal(rows, acc.Count);
        for (var a = 0; a < cols; a++)
        {
            Assert.Equal(mean[a], acc.Mean()[a], 1e-5);
            for (var b = 0; b < cols; b++)
            {
                var s = 0.0;
                for (var i = 0; i < rows; i++) s += (x[i, a] - mean[a]) * (x[i, b] - mean[b]);
                Assert.True(Math.Abs(s - scatter[a * cols + b]) <= 1e-5 * Math.Max(1, Math.Abs(s)) + 1e-3, $"({a},{b}): {s} vs {scatter[a * cols + b]}");
            }
        }
    }

    [Fact]
    public void Rejects_a_chunk_of_another_width()
    {
        var acc = new ScatterAccumulator(4);
        acc.Add(new Matrix(2, 4));
        var e = Assert.Throws<BadInputException>(() => acc.Add(new Matrix(2, 5)));
        Assert.Contains("5 columns", e.Message);
    }
}
