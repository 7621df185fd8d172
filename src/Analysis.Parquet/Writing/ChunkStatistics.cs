using System.Buffers.Binary;
using System.Numerics.Tensors;
using Analysis.Parquet.Format;

namespace Analysis.Parquet.Writing;

/// <summary>Running min/max/null count of one column chunk, kept in the column's own order (floats ignore NaN).</summary>
internal sealed class ChunkStatistics
{
    private long _nulls;
    private bool _has;
    private long _minI, _maxI;
    private double _minD, _maxD;
    private byte[]? _minB, _maxB;

    public void Reset() { _nulls = 0; _has = false; _minB = _maxB = null; }

    public void AddNulls(long n) => _nulls += n;

    public void AddInt(ReadOnlySpan<int> v)
    {
        if (v.IsEmpty) return;
        Merge(TensorPrimitives.Min(v), TensorPrimitives.Max(v));
    }

    public void AddLong(ReadOnlySpan<long> v)
    {
        if (v.IsEmpty) return;
        Merge(TensorPrimitives.Min(v), TensorPrimitives.Max(v));
    }

    private void Merge(long min, long max)
    {
        if (!_has) { _minI = min; _maxI = max; _has = true; }
        else { _minI = Math.Min(_minI, min); _maxI = Math.Max(_maxI, max); }
    }

    public void AddFloat(ReadOnlySpan<float> v)
    {
        if (v.IsEmpty) return;
        float min = TensorPrimitives.Min(v), max = TensorPrimitives.Max(v);
        if (float.IsNaN(min) || float.IsNaN(max))
        {
            // NaN propagates through TensorPrimitives; statistics must skip NaN values.
            min = float.PositiveInfinity; max = float.NegativeInfinity;
            bool any = false;
            foreach (var x in v) if (!float.IsNaN(x)) { any = true; if (x < min) min = x; if (x > max) max = x; }
            if (!any) return;
        }
        MergeD(min, max);
    }

    public void AddDouble(ReadOnlySpan<double> v)
    {
        if (v.IsEmpty) return;
        double min = TensorPrimitives.Min(v), max = TensorPrimitives.Max(v);
        if (double.IsNaN(min) || double.IsNaN(max))
        {
            min = double.PositiveInfinity; max = double.NegativeInfinity;
            bool any = false;
            foreach (var x in v) if (!double.IsNaN(x)) { any = true; if (x < min) min = x; if (x > max) max = x; }
            if (!any) return;
        }
        MergeD(min, max);
    }

    public void AddHalf(ReadOnlySpan<Half> v)
    {
        bool any = false;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var h in v)
        {
            float x = (float)h;
            if (float.IsNaN(x)) continue;
            any = true;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        if (any) MergeD(min, max);
    }

    private void MergeD(double min, double max)
    {
        if (!_has) { _minD = min; _maxD = max; _has = true; }
        else { _minD = Math.Min(_minD, min); _maxD = Math.Max(_maxD, max); }
    }

    public void AddBytes(ReadOnlySpan<byte> v)
    {
        if (!_has) { _minB = v.ToArray(); _maxB = v.ToArray(); _has = true; return; }
        if (v.SequenceCompareTo(_minB) < 0) _minB = v.ToArray();
        if (v.SequenceCompareTo(_maxB) > 0) _maxB = v.ToArray();
    }

    public void AddBool(bool b) => Merge(b ? 1 : 0, b ? 1 : 0);

    /// <summary>Encodes the statistics in the column's PLAIN form.</summary>
    public Statistics ToThrift(ParquetFieldKind kind)
    {
        var s = new Statistics { NullCount = _nulls };
        if (!_has) return s;
        switch (kind)
        {
            case ParquetFieldKind.Int32 or ParquetFieldKind.Date:
                s.MinValue = BitConverter.GetBytes((int)_minI); s.MaxValue = BitConverter.GetBytes((int)_maxI); break;
            case ParquetFieldKind.Int64 or ParquetFieldKind.Timestamp:
                s.MinValue = BitConverter.GetBytes(_minI); s.MaxValue = BitConverter.GetBytes(_maxI); break;
            case ParquetFieldKind.Boolean:
                s.MinValue = [(byte)_minI]; s.MaxValue = [(byte)_maxI]; break;
            case ParquetFieldKind.Float or ParquetFieldKind.FloatVector:
                // The spec asks for -0.0 as a zero minimum and +0.0 as a zero maximum.
                s.MinValue = BitConverter.GetBytes(_minD == 0 ? -0.0f : (float)_minD);
                s.MaxValue = BitConverter.GetBytes(_maxD == 0 ? 0.0f : (float)_maxD);
                break;
            case ParquetFieldKind.Double:
                s.MinValue = BitConverter.GetBytes(_minD == 0 ? -0.0 : _minD);
                s.MaxValue = BitConverter.GetBytes(_maxD == 0 ? 0.0 : _maxD);
                break;
            case ParquetFieldKind.Float16Vector:
            {
                var min = new byte[2]; var max = new byte[2];
                BinaryPrimitives.WriteHalfLittleEndian(min, _minD == 0 ? BitConverter.UInt16BitsToHalf(0x8000) : (Half)_minD);
                BinaryPrimitives.WriteHalfLittleEndian(max, _maxD == 0 ? (Half)0 : (Half)_maxD);
                s.MinValue = min; s.MaxValue = max;
                break;
            }
            case ParquetFieldKind.String:
                s.MinValue = _minB; s.MaxValue = _maxB; break;
        }
        return s;
    }
}
