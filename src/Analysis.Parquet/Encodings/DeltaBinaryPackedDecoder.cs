namespace Analysis.Parquet.Encodings;

/// <summary>Decodes DELTA_BINARY_PACKED (INT32/INT64, and the lengths inside the DELTA byte-array encodings); arithmetic wraps like the writers'.</summary>
internal ref struct DeltaBinaryPackedDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private readonly int _blockSize, _miniblocks, _perMiniblock;

    /// <summary>The number of values the header declares.</summary>
    public readonly int TotalCount;
    /// <summary>Bytes consumed once all values have been read.</summary>
    public readonly int Position => _pos;

    public DeltaBinaryPackedDecoder(ReadOnlySpan<byte> data)
    {
        _data = data;
        ulong block = ReadVarint(), mini = ReadVarint(), total = ReadVarint();
        if (block == 0 || block % 128 != 0 || block > 1 << 20) throw new ParquetFormatException($"DELTA_BINARY_PACKED block size {block} is invalid (a positive multiple of 128)");
        if (mini == 0 || block % mini != 0 || (block / mini) % 32 != 0) throw new ParquetFormatException($"DELTA_BINARY_PACKED has {mini} miniblocks per block of {block}, which is invalid");
        if (total > int.MaxValue) throw new ParquetFormatException($"DELTA_BINARY_PACKED declares {total} values");
        _blockSize = (int)block;
        _miniblocks = (int)mini;
        _perMiniblock = _blockSize / _miniblocks;
        TotalCount = (int)total;
    }

    /// <summary>Decodes the first <paramref name="destination"/>.Length values (at most <see cref="TotalCount"/>).</summary>
    public void Read(Span<long> destination)
    {
        if (destination.Length > TotalCount) throw new ParquetFormatException($"DELTA_BINARY_PACKED holds {TotalCount} values but {destination.Length} are needed");
        if (destination.IsEmpty) { ReadZigzag(); return; }
        long value = ReadZigzag();
        destination[0] = value;
        int i = 1;
        Span<byte> widths = stackalloc byte[_miniblocks];
        while (i < destination.Length)
        {
            long minDelta = ReadZigzag();
            if (_pos + _miniblocks > _data.Length) throw new ParquetFormatException("DELTA_BINARY_PACKED bit widths are cut off");
            _data.Slice(_pos, _miniblocks).CopyTo(widths);
            _pos += _miniblocks;
            for (int m = 0; m < _miniblocks && i < destination.Length; m++)
            {
                int width = widths[m];
                if (width > 64) throw new ParquetFormatException($"DELTA_BINARY_PACKED bit width {width} is over 64");
                long bytes = (long)_perMiniblock * width / 8;
                var bits = new BitReader(_data[_pos..]);
                int n = Math.Min(_perMiniblock, destination.Length - i);
                for (int k = 0; k < n; k++)
                {
                    value = unchecked(value + minDelta + (long)bits.Read(width));
                    destination[i++] = value;
                }
                if (bits.Overran) throw new ParquetFormatException("DELTA_BINARY_PACKED data is cut off");
                _pos = (int)Math.Min(_data.Length, _pos + bytes);
            }
        }
    }

    private long ReadZigzag() { ulong v = ReadVarint(); return (long)(v >> 1) ^ -(long)(v & 1); }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length) throw new ParquetFormatException("DELTA_BINARY_PACKED data is cut off");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new ParquetFormatException("a DELTA_BINARY_PACKED varint is too long");
    }
}
