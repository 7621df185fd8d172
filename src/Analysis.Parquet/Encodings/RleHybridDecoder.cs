using System.Numerics;

namespace Analysis.Parquet.Encodings;

/// <summary>Decodes the RLE / bit-packed hybrid. Corrupt input fails with a message; values past the data never appear silently.</summary>
internal ref struct RleHybridDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _bitWidth;
    private int _pos;
    private int _rleLeft;
    private ulong _rleValue;
    private int _packedLeft;
    private long _packedBitPos;
    private int _packedEnd;

    public RleHybridDecoder(ReadOnlySpan<byte> data, int bitWidth)
    {
        if (bitWidth is < 0 or > 32) throw new ParquetFormatException($"an RLE/bit-packed bit width of {bitWidth} is invalid (0..32)");
        _data = data;
        _bitWidth = bitWidth;
    }

    /// <summary>Fills <paramref name="destination"/> completely or throws.</summary>
    public void Read<T>(Span<T> destination) where T : unmanaged, IBinaryInteger<T>
    {
        int i = 0;
        while (i < destination.Length)
        {
            if (_rleLeft > 0)
            {
                int n = Math.Min(_rleLeft, destination.Length - i);
                destination.Slice(i, n).Fill(T.CreateTruncating(_rleValue));
                _rleLeft -= n;
                i += n;
            }
            else if (_packedLeft > 0)
            {
                int n = Math.Min(_packedLeft, destination.Length - i);
                var bits = _data[.._packedEnd];
                ulong mask = _bitWidth == 0 ? 0 : (1UL << _bitWidth) - 1;
                for (int k = 0; k < n; k++)
                {
                    long bytePos = _packedBitPos >> 3;
                    int shift = (int)(_packedBitPos & 7);
                    // Read up to 5 bytes little-endian; enough for 32-bit widths at any bit offset.
                    ulong window = 0;
                    for (int b = 0; b < 5 && bytePos + b < bits.Length; b++) window |= (ulong)bits[(int)(bytePos + b)] << (8 * b);
                    destination[i + k] = T.CreateTruncating((window >> shift) & mask);
                    _packedBitPos += _bitWidth;
                }
                _packedLeft -= n;
                i += n;
            }
            else NextRun();
        }
    }

    private void NextRun()
    {
        if (_pos >= _data.Length) throw new ParquetFormatException("RLE/bit-packed data ends before all values were read");
        ulong header = ReadVarint();
        if ((header & 1) == 0)
        {
            ulong count = header >> 1;
            if (count == 0) throw new ParquetFormatException("an RLE run has length zero");
            int bytes = (_bitWidth + 7) / 8;
            if (_pos + bytes > _data.Length) throw new ParquetFormatException("an RLE run's value is cut off");
            ulong v = 0;
            for (int b = 0; b < bytes; b++) v |= (ulong)_data[_pos + b] << (8 * b);
            _pos += bytes;
            if (_bitWidth < 64 && (v >> _bitWidth) != 0) throw new ParquetFormatException($"an RLE run's value {v} does not fit its bit width {_bitWidth}");
            _rleValue = v;
            _rleLeft = (int)Math.Min(count, int.MaxValue);
        }
        else
        {
            ulong groups = header >> 1;
            if (groups == 0) throw new ParquetFormatException("a bit-packed run has no groups");
            ulong values = groups * 8;
            long bytes = (long)Math.Min(groups * (ulong)_bitWidth, int.MaxValue);
            // The last run may be cut short by writers that do not pad; only whole values that exist count.
            long available = Math.Min(bytes, _data.Length - _pos);
            long whole = _bitWidth == 0 ? (long)Math.Min(values, int.MaxValue) : available * 8 / _bitWidth;
            if (whole == 0) throw new ParquetFormatException("a bit-packed run is cut off");
            _packedLeft = (int)Math.Min((ulong)whole, values);
            _packedBitPos = (long)_pos * 8;
            _packedEnd = _pos + (int)available;
            _pos += (int)available;
        }
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new ParquetFormatException("an RLE/bit-packed run header is cut off");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ParquetFormatException("an RLE/bit-packed run header is too long");
    }
}
