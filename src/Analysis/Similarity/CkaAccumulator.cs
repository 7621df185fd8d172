using Analysis.Numerics;

namespace Analysis.Similarity;

/// <summary>
/// Linear CKA between every layer of A and every layer of B, from Gram statistics streamed over row blocks:
/// CKA(X, Y) = ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on centred data (the feature-space form, Kornblith et al. 2019), so memory
/// grows with the feature count, never with the rows. Each block holds the layers of A then those of B side by side.
/// </summary>
public sealed class CkaAccumulator
{
    /// <summary>The most features (all layers of both sides together) one accumulator takes: its scatter is that squared, in doubles.</summary>
    public const int MaxFeatures = 8192;

    private readonly int[] _widthsA, _widthsB;
    private readonly ScatterAccumulator _scatter;

    /// <summary>An accumulator for layers of these widths on each side.</summary>
    public CkaAccumulator(IReadOnlyList<int> widthsA, IReadOnlyList<int> widthsB)
    {
        if (widthsA.Count == 0 || widthsB.Count == 0) throw new ArgumentException("Both sides need at least one layer.");
        (_widthsA, _widthsB) = ([.. widthsA], [.. widthsB]);
        var total = _widthsA.Sum() + _widthsB.Sum();
        if (total > MaxFeatures)
            throw new BadInputException($"The chosen hooks have {total} features in all, more than the {MaxFeatures} one similarity run holds; choose fewer hooks with --hooks (e.g. 'blocks.*.hook_resid_post').");
        _scatter = new ScatterAccumulator(total);
    }

    /// <summary>Rows added so far.</summary>
    public long Rows => _scatter.Count;

    /// <summary>Adds a block of aligned rows: columns are A's layers then B's, in the widths given at construction.</summary>
    public void Add(Matrix rows) => _scatter.Add(rows);

    /// <summary>Adds aligned rows given as one matrix per layer (A's then B's), all with the same row count.</summary>
    public void Add(IReadOnlyList<Matrix> layersA, IReadOnlyList<Matrix> layersB) => Add(Concatenate([.. layersA, .. layersB]));

    /// <summary>CKA[a][b] for layer a of A and layer b of B.</summary>
    public double[][] Cka()
    {
        if (Rows < 2) throw new BadInputException("Linear CKA needs at least two aligned rows; the datasets hold fewer.");
        var s = _scatter.Scatter();
        var d = _scatter.Dimension;
        var offA = Offsets(_widthsA, 0);
        var offB = Offsets(_widthsB, _widthsA.Sum());
        double Sq(int r0, int rw, int c0, int cw)
        {
            var sum = 0.0;
            for (var i = r0; i < r0 + rw; i++)
                for (var j = c0; j < c0 + cw; j++) { var v = s[(long)i * d + j]; sum += v * v; }
            return sum;
        }
        var selfA = _widthsA.Select((w, i) => Math.Sqrt(Sq(offA[i], w, offA[i], w))).ToArray();
        var selfB = _widthsB.Select((w, i) => Math.Sqrt(Sq(offB[i], w, offB[i], w))).ToArray();
        var cka = new double[_widthsA.Length][];
        for (var a = 0; a < _widthsA.Length; a++)
        {
            cka[a] = new double[_widthsB.Length];
            for (var b = 0; b < _widthsB.Length; b++)
            {
                var denominator = selfA[a] * selfB[b];
                // A constant layer has no variance to compare: CKA is undefined there.
                cka[a][b] = denominator > 0 ? Sq(offA[a], _widthsA[a], offB[b], _widthsB[b]) / denominator : double.NaN;
            }
        }
        return cka;
    }

    /// <summary>Linear CKA of two matrices with the same rows (one layer each side).</summary>
    public static double Compute(Matrix x, Matrix y)
    {
        var acc = new CkaAccumulator([x.Columns], [y.Columns]);
        acc.Add([x], [y]);
        return acc.Cka()[0][0];
    }

    internal static Matrix Concatenate(IReadOnlyList<Matrix> parts)
    {
        var rows = parts[0].Rows;
        if (parts.Any(p => p.Rows != rows)) throw new ArgumentException("Every layer of a block must have the same rows.");
        var width = parts.Sum(p => p.Columns);
        var m = new Matrix(rows, width);
        var offset = 0;
        foreach (var p in parts)
        {
            for (var i = 0; i < rows; i++) p.Row(i).CopyTo(m.Data.AsSpan(i * width + offset, p.Columns));
            offset += p.Columns;
        }
        return m;
    }

    private static int[] Offsets(int[] widths, int start)
    {
        var o = new int[widths.Length];
        for (var i = 0; i < widths.Length; i++) { o[i] = start; start += widths[i]; }
        return o;
    }
}
