using System.Buffers;
using System.Runtime.Intrinsics;

namespace Analysis.Numerics;

/// <summary>
/// Accumulates the mean and the centered scatter matrix Σ (x−μ)(x−μ)ᵀ of rows streamed in chunks,
/// so exact PCA and ridge work on data larger than memory. Products run in float SIMD over short row
/// blocks and are summed in double, which keeps sklearn-level accuracy at float speed.
/// </summary>
public sealed class ScatterAccumulator
{
    private const int BlockRows = 512;
    private const int Panel = 16;
    private readonly int _dim;
    private readonly int _padded;
    private readonly double[] _scatter;   // about the shift, upper triangle filled by blocks
    private readonly double[] _sum;       // Σ (x − shift)
    private float[]? _shift;

    /// <summary>Creates an accumulator for rows of the given width.</summary>
    public ScatterAccumulator(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        _dim = dimension;
        _padded = (dimension + Panel - 1) / Panel * Panel;
        _scatter = new double[(long)_padded * _padded];
        _sum = new double[dimension];
    }

    /// <summary>Rows seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>Row width.</summary>
    public int Dimension => _dim;

    /// <summary>Adds every row of a chunk.</summary>
    public void Add(Matrix chunk)
    {
        if (chunk.Columns != _dim)
            throw new BadInputException($"A chunk has {chunk.Columns} columns but earlier rows had {_dim}; every chunk of one hook must have the same width.");
        if (chunk.Rows == 0) return;
        // Shift by the first chunk's mean: later cancellation is then tiny (Welford-like stability, one pass).
        _shift ??= ColumnMeans(chunk);
        var packed = ArrayPool<float>.Shared.Rent(BlockRows * _padded);
        try
        {
            for (var start = 0; start < chunk.Rows; start += BlockRows)
            {
                var rows = Math.Min(BlockRows, chunk.Rows - start);
                Pack(chunk, start, rows, packed);
                AccumulateBlock(packed, rows);
            }
        }
        finally { ArrayPool<float>.Shared.Return(packed); }
        Count += chunk.Rows;
    }

    /// <summary>The column means of everything added.</summary>
    public double[] Mean()
    {
        EnsureData();
        var mean = new double[_dim];
        for (var j = 0; j < _dim; j++) mean[j] = _shift![j] + _sum[j] / Count;
        return mean;
    }

    /// <summary>The centered scatter matrix Σ (x−μ)(x−μ)ᵀ as a full symmetric row-major dim × dim array.</summary>
    public double[] Scatter()
    {
        EnsureData();
        var s = new double[(long)_dim * _dim];
        for (var i = 0; i < _dim; i++)
            for (var j = i; j < _dim; j++)
            {
                // Scatter about the shift minus the correction for the shift not being the mean.
                var v = _scatter[(long)i * _padded + j] - _sum[i] * _sum[j] / Count;
                s[(long)i * _dim + j] = v;
                s[(long)j * _dim + i] = v;
            }
        return s;
    }

    private void EnsureData()
    {
        if (Count == 0) throw new InvalidOperationException("No rows were added.");
    }

    internal static float[] ColumnMeans(Matrix m)
    {
        var acc = new double[m.Columns];
        for (var i = 0; i < m.Rows; i++)
        {
            var row = m.Row(i);
            for (var j = 0; j < row.Length; j++) acc[j] += row[j];
        }
        var mean = new float[m.Columns];
        for (var j = 0; j < mean.Length; j++) mean[j] = (float)(acc[j] / m.Rows);
        return mean;
    }

    // Layout: panel p (16 columns) holds rows × 16 floats contiguously, padded columns are zero.
    private void Pack(Matrix chunk, int start, int rows, float[] packed)
    {
        var shift = _shift!;
        var panels = _padded / Panel;
        for (var r = 0; r < rows; r++)
        {
            var row = chunk.Row(start + r);
            for (var p = 0; p < panels; p++)
            {
                var dst = packed.AsSpan((p * rows + r) * Panel, Panel);
                var c0 = p * Panel;
                var n = Math.Min(Panel, _dim - c0);
                for (var c = 0; c < n; c++)
                {
                    var v = row[c0 + c] - shift[c0 + c];
                    dst[c] = v;
                    _sum[c0 + c] += v;
                }
                dst[n..].Clear();
            }
        }
    }

    private unsafe void AccumulateBlock(float[] packed, int rows)
    {
        var panels = _padded / Panel;
        var iBlocks = _padded / 4;
        fixed (float* p = packed)
        {
            var basePtr = (nint)p;
            Parallel.For(0, iBlocks, ib =>
            {
                var tile = stackalloc float[4 * Panel];
                var pi = ib * 4 / Panel;
                var a = (float*)basePtr + pi * rows * Panel + ib * 4 % Panel;
                for (var pj = pi; pj < panels; pj++)
                {
                    var b = (float*)basePtr + pj * rows * Panel;
                    Kernel4x16(a, b, rows, tile);
                    for (var r = 0; r < 4; r++)
                    {
                        var dst = (long)(ib * 4 + r) * _padded + pj * Panel;
                        for (var c = 0; c < Panel; c++) _scatter[dst + c] += tile[r * Panel + c];
                    }
                }
            });
        }
    }

    // C[4×16] = Σ_k a[k, 0..3]ᵀ b[k, 0..15]; both operands advance 16 floats per k.
    private static unsafe void Kernel4x16(float* a, float* b, int rows, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        for (var k = 0; k < rows; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            a += Panel;
            b += Panel;
        }
        c00.Store(tile); c01.Store(tile + 8);
        c10.Store(tile + 16); c11.Store(tile + 24);
        c20.Store(tile + 32); c21.Store(tile + 40);
        c30.Store(tile + 48); c31.Store(tile + 56);
    }
}
